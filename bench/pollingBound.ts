import { erfc } from '../src/core/etaEstimate';
/**
 * A lower bound on the polls any schedule needs when the only knowledge of a job's end is its run-time
 * distribution (no progress): used in the results to say precisely why the 2 s target cannot be met on wire
 * formats without progress.
 *
 * A poll at time p notices every end in (p - d, p] within d; it happens only while the job is still running, so
 * it costs S(p) (the chance the job has not ended) polls per job on average. Covering a share `coverage` of all
 * ends with such windows at the least cost is a fractional knapsack: take the instants where the hazard f/S is
 * highest first. Relaxing integrality (and ignoring the cap, the queue and the first polls) only lowers the
 * figure, so it is a true lower bound.
 */
export function pollsNeeded(options: { median: number; p90: number; noticeMs: number; coverage: number }): number {
  const mu = Math.log(options.median);
  const sigma = Math.log(options.p90 / options.median) / 1.2815515655446004;
  const cdf = (t: number) => (t <= 0 ? 0 : 0.5 * erfc(-(Math.log(t) - mu) / (sigma * Math.SQRT2)));
  const step = options.noticeMs / 40;
  const cells: Array<{ mass: number; survival: number }> = [];
  for (let t = 0; t < options.median * 60; t += step) {
    const survival = 1 - cdf(t);
    if (survival < 1e-9) break;
    cells.push({ mass: cdf(t + step) - cdf(t), survival });
  }
  cells.sort((a, b) => b.mass / b.survival - a.mass / a.survival);
  let covered = 0;
  let polls = 0;
  for (const cell of cells) {
    if (covered >= options.coverage) break;
    covered += cell.mass;
    polls += (cell.survival * step) / options.noticeMs;
  }
  return polls;
}

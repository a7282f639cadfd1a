/**
 * A short English duration for people, not machines: `"42 s"`, `"1 min 5 s"`, `"2 h 3 min"`.
 * The core says timeouts with it and the components use it for their default labels (pass your own `labels` to
 * translate them).
 */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) {
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${totalMinutes} min` : `${totalMinutes} min ${seconds} s`;
  }
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/**
 * A duration rounded the way people round an estimate: to 1 s under 10 s, to 5 s under a minute, to 30 s under 10 min, to a minute
 * under an hour, then to 5 min. `formatDuration(roundDuration(65_000))` is `"1 min"`.
 */
export function roundDuration(ms: number): number {
  const step = ms < 10_000 ? 1_000 : ms < 60_000 ? 5_000 : ms < 600_000 ? 30_000 : ms < 3_600_000 ? 60_000 : 300_000;
  return Math.max(step, Math.round(ms / step) * step);
}

import { delay } from '../simFaults';
import { isTerminalPhase, type SimJob } from '../simJob';
import type { WireContext } from '../wireFormat';

/** How often a held request looks at its job again (virtual time). */
const CHECK_EVERY_MS = 250;

/**
 * Holds a request open until its job ends or `maxMs` of clock time pass, the way Replicate's `Prefer: wait`
 * and visgate's synchronous mode do. Timers drive it, so fake timers in tests move it; an aborted request
 * rejects like `fetch` does.
 */
export async function holdUntilEnded(
  ctx: WireContext,
  jobId: string,
  maxMs: number,
  signal: AbortSignal | undefined,
): Promise<SimJob | undefined> {
  const until = ctx.now() + Math.max(0, maxMs);
  for (;;) {
    const job = ctx.job(jobId);
    if (!job || isTerminalPhase(job.status)) return job;
    const left = until - ctx.now();
    if (left <= 0) return job;
    await delay(Math.min(CHECK_EVERY_MS, left), signal);
  }
}

/** The path without an API version prefix (`/v1`, `/api/v1`), and the root the caller reached the API at. */
export function apiPath(path: string, base: string, prefix: string): { path: string; root: string } {
  if (path === prefix || path.startsWith(`${prefix}/`))
    return { path: path.slice(prefix.length) || '/', root: base + prefix };
  return { path, root: base };
}

/** ISO 8601 time of an epoch-ms instant, or `null`. */
export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

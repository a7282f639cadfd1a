import { failedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/**
 * The loop the providers' docs show: submit, then `sleep(interval)` and GET the status until it is final, then
 * fetch the result. Written plainly against fal's queue API with `fetch`, as a developer following the docs
 * would; a failed poll is simply tried again at the next tick.
 */
export function fixedLoop(intervalMs: number): Contestant {
  return {
    name: `fixed ${intervalMs / 1000} s loop`,
    wire: 'fal',
    how: `submit, then GET status every ${intervalMs / 1000} s until COMPLETED, then GET the result`,
    start({ sim, workload }) {
      const base = sim.baseUrl('fal');
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      return {
        async run(job) {
          let jobId: string | undefined;
          try {
            const submitted = await sim.fetch(`${base}/${workload.model}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: 'Key bench-key' },
              body: JSON.stringify({ prompt: benchPrompt(job) }),
            });
            if (!submitted.ok) throw new Error(`submit answered ${submitted.status}`);
            const queued = (await submitted.json()) as { request_id: string; status_url: string; response_url: string };
            jobId = queued.request_id;
            for (;;) {
              await sleep(intervalMs);
              const answer = await sim.fetch(queued.status_url, { headers: { authorization: 'Key bench-key' } });
              if (!answer.ok) continue;
              const status = (await answer.json().catch(() => ({}))) as { status?: string };
              if (status.status === 'COMPLETED') break;
            }
            const noticedAt = Date.now();
            const result = await sim.fetch(queued.response_url, { headers: { authorization: 'Key bench-key' } });
            return result.ok
              ? { jobId, noticedAt, outcome: 'ok' }
              : { jobId, noticedAt, outcome: 'failed', error: `result answered ${result.status}` };
          } catch (error) {
            return failedRun(sim, job, jobId, error);
          }
        },
      };
    },
  };
}

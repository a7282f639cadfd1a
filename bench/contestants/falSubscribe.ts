import { createFalClient } from '@fal-ai/client';
import { failedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/**
 * `@fal-ai/client`'s `subscribe` with its defaults (polling mode, 500 ms interval), its `fetch` pointed at the
 * simulator: it submits to `queue.fal.run`, polls `status_url` and fetches the result, all through its own code.
 */
export const falSubscribe: Contestant = {
  name: '@fal-ai/client subscribe',
  wire: 'fal',
  how: '`fal.subscribe(model, { input })`, defaults (polling every 500 ms)',
  start({ sim, workload }) {
    const fal = createFalClient({ credentials: 'bench-key', fetch: sim.fetch, suppressLocalCredentialsWarning: true });
    return {
      async run(job) {
        let requestId: string | undefined;
        try {
          await fal.subscribe(workload.model, {
            input: { prompt: benchPrompt(job) },
            onEnqueue: (id) => {
              requestId = id;
            },
          });
          return { jobId: requestId!, noticedAt: Date.now(), outcome: 'ok' };
        } catch (error) {
          return failedRun(sim, job, requestId, error);
        }
      },
    };
  },
};

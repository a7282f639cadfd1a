import Replicate from 'replicate';
import { failedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/**
 * `replicate`'s `run` in poll mode (`wait: { mode: 'poll' }`, its `wait` loop at the default 500 ms), with the
 * client's `fetch` option pointed at the simulator. Poll mode, because the default blocking mode holds a request
 * open for at most 60 s and returns a still-running prediction after that.
 */
export const replicateWait: Contestant = {
  name: 'replicate run/wait (poll)',
  wire: 'replicate',
  how: "`replicate.run(model, { input, wait: { mode: 'poll' } })`, default 500 ms interval",
  start({ sim, workload }) {
    const replicate = new Replicate({ auth: 'bench-key', fetch: sim.fetch, useFileOutput: false });
    const model = workload.model.split('/').slice(0, 2).join('/') as `${string}/${string}`;
    return {
      async run(job) {
        let predictionId: string | undefined;
        try {
          await replicate.run(model, { input: { prompt: benchPrompt(job) }, wait: { mode: 'poll' } }, (prediction) => {
            predictionId = prediction.id;
          });
          return { jobId: predictionId!, noticedAt: Date.now(), outcome: 'ok' };
        } catch (error) {
          return failedRun(sim, job, predictionId, error);
        }
      },
    };
  },
};

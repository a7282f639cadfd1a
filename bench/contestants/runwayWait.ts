import RunwayML from '@runwayml/sdk';
import { failedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/**
 * The Runway SDK's `waitForTaskOutput` (6 s +/- 1.5 s between polls, first poll after one wait, 10 min
 * timeout), its `fetch` pointed at the simulator speaking Runway's task API (`bench/wire/runway.ts`).
 */
export const runwayWait: Contestant = {
  name: '@runwayml/sdk waitForTaskOutput',
  wire: 'runway',
  how: '`client.textToVideo.create({...}).waitForTaskOutput()`, defaults',
  start({ sim }) {
    const client = new RunwayML({ apiKey: 'bench-key', fetch: sim.fetch, baseURL: sim.baseUrl('runway') });
    return {
      async run(job) {
        let taskId: string | undefined;
        try {
          const pending = client.textToVideo.create({
            model: 'veo3.1',
            promptText: benchPrompt(job),
            ratio: '1280:720',
          });
          void pending.then((task) => {
            taskId = task.id;
          });
          const task = await pending.waitForTaskOutput();
          return { jobId: task.id, noticedAt: Date.now(), outcome: 'ok' };
        } catch (error) {
          return failedRun(sim, job, taskId, error);
        }
      },
    };
  },
};

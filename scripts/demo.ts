// The terminal demo (`npm run demo`, and `npm start` until the playground exists): submits a video job to the
// simulated fal queue, in-process and in real time, and prints every status change. No API key, no network.
//
//   npm run demo                 follow the job by polling
//   npm run demo -- --stream     follow it over fal's status stream (SSE)
//   npm run demo -- --serve      serve the simulator on 127.0.0.1 and keep running, so the video URL plays in a browser
import { createVideoClient } from '../src/core/createVideoClient';
import type { JobSnapshot } from '../src/core/jobSnapshot';
import { fal } from '../src/providers/fal';
import { createSimulator } from '../src/testing/createSimulator';
import { startSimulatorServer } from '../src/testing/server';

const args = new Set(process.argv.slice(2));
const stream = args.has('--stream');
const serve = args.has('--serve');

const MODEL = 'fal-ai/kling-video/v2/master/text-to-video';
const sim = createSimulator({ job: { queueMs: 2500, runMs: 4000, queuePosition: 3 } });
const server = serve ? await startSimulatorServer(sim) : undefined;
const baseUrl = server ? `${server.url}/fal` : sim.baseUrl('fal');
// Over the loopback server the client uses the real fetch; in-process it uses the simulator's.
const transportFetch = server ? globalThis.fetch : sim.fetch;

const client = createVideoClient({
  providers: { fal: fal({ baseUrl, fetch: transportFetch }) },
  fetch: transportFetch,
  // A short job: poll briskly so every change shows (the defaults suit minutes-long real jobs).
  polling: { initialDelayMs: 400, maxDelayMs: 1000 },
});

const started = Date.now();
const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(1).padStart(4)} s`;
let printedLogs = 0;

function describe(snapshot: JobSnapshot): string {
  const parts = [snapshot.status.padEnd(9)];
  if (snapshot.status === 'queued' && snapshot.queuePosition !== undefined)
    parts.push(`queue position ${snapshot.queuePosition}`);
  if (snapshot.progress !== undefined) parts.push(`progress ${Math.round(snapshot.progress * 100)}%`);
  return parts.join('  ').trimEnd();
}

console.log(`Submitting "${MODEL}" to the simulated fal queue (${stream ? 'status stream' : 'polling'})...`);
const first = await client.submit({
  provider: 'fal',
  model: MODEL,
  input: { prompt: 'A paper boat sailing down a rainy street, cinematic', duration: '5' },
});
console.log(`${elapsed()}  submitted: request ${first.id}`);

let final: JobSnapshot = first;
for await (const snapshot of client.watch(first.ref, { stream })) {
  console.log(`${elapsed()}  ${describe(snapshot)}`);
  for (const line of snapshot.logs.slice(printedLogs)) console.log(`${' '.repeat(10)}log: ${line}`);
  printedLogs = snapshot.logs.length;
  final = snapshot;
}

const requests = ['submit', 'status', 'stream', 'result']
  .map((endpoint) => `${endpoint} ${sim.count({ endpoint: endpoint as 'submit' })}`)
  .join(', ');
if (final.status === 'completed' && final.video) {
  console.log(`\nDone in ${elapsed().slice(1).trim()}. Video: ${final.video.url}`);
  console.log(`(${final.video.contentType ?? 'video'}, ${final.video.fileSize ?? '?'} bytes; requests: ${requests})`);
  if (!server)
    console.log(
      'That URL lives in the in-process simulator; run `npm run demo -- --serve` for one a browser can play.',
    );
} else {
  console.log(`\nThe job ended ${final.status}${final.error ? `: ${final.error.message}` : ''}`);
  process.exitCode = 1;
}

if (server) {
  console.log(`\nThe simulator is serving on ${server.url}; open the video URL in a browser. Ctrl+C to stop.`);
  process.once('SIGINT', () => {
    void server.close().then(() => process.exit(0));
  });
}

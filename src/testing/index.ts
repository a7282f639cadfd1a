// react-video-jobs/testing: the browser-safe simulator. The Node-only loopback server is in
// `react-video-jobs/testing/server` (src/testing/server.ts), so no `node:` import reaches a browser bundle.
//
//   const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
//   const client = createVideoClient({ providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch });
//   sim.failNext({ status: 429, retryAfter: 2 }); sim.count({ endpoint: 'status' });
//   createSimulator({ webhooks: { secrets: { replicate: 'whsec_...' } } }) POSTs each job's signed callback.
export { createSimulator } from './createSimulator';
export type {
  Simulator,
  SimulatorOptions,
  SimJobInfo,
  SimRequestLog,
  SimCountFilter,
  SimFault,
} from './createSimulator';
export type { SimJob, SimJobSpec, SimJobPhase, SimLogLine, ResolvedSimJobSpec } from './simJob';
export type { SimFaults, SimOneShotFault, SimEndpoint } from './simFaults';
export type {
  WireFormat,
  WireContext,
  WireRoute,
  SimRequest,
  RoutedSimRequest,
  SimVideoFile,
  SimStreamEvent,
  SimWebhookCallback,
  SimWebhookTarget,
} from './wireFormat';
export type { SimWebhookOptions, SimWebhooks, SimWebhookDelivery } from './simWebhooks';
export { WIRE_FORMATS } from './wireFormats';
export { falWire } from './wire/fal';
export {
  SAMPLE_MP4_BASE64,
  SAMPLE_MP4_CONTENT_TYPE,
  SAMPLE_MP4_WIDTH,
  SAMPLE_MP4_HEIGHT,
  SAMPLE_MP4_DURATION_SECONDS,
  sampleVideoBytes,
  sampleVideoBlobUrl,
} from './sampleVideo';
// A real PNG of any size, for input-image tests: generate({ prompt, image: sampleImageFile() }).
export { sampleImageBytes, sampleImageFile } from './sampleImage';
export type { SampleImageOptions } from './sampleImage';

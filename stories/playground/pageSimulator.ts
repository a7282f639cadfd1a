// The simulator, running in the page, made to survive a reload. A real provider keeps its jobs when the user
// reloads; an in-page simulator would forget them. So every request that changes the simulator (submit, cancel)
// is recorded in localStorage and replayed on load with the clock pinned to when it first happened: the same
// jobs, with the same ids and timings, carry on where they were. Browser-only: no `node:` import.
import type { SimJobSpec } from '../../src/testing';
import { createSimulator, type Simulator } from '../../src/testing';
import { sampleVideoBlobUrl } from '../../src/testing/sampleVideo';
import { recordBody, replayBody, type RecordedBody } from './recordedBody';

const STORAGE_KEY = 'react-video-jobs:playground:simulator';
/** Enough history for any session; older entries go first. */
const MAX_RECORDS = 200;

interface RecordedRequest {
  at: number;
  url: string;
  method: string;
  headers: [string, string][];
  body: RecordedBody | undefined;
  /**
   * What the request did: `submit` made `jobId` with `spec`; `cancel` cancelled `jobId`; `upload` stored a start image
   * (or handed out where to put one), spending simulator ids that the jobs after it must find spent again.
   */
  kind: 'submit' | 'cancel' | 'upload';
  jobId?: string;
  spec?: SimJobSpec;
}

export interface PageSimulator {
  sim: Simulator;
  /** Hand this to `createVideoClient`: the simulator's `fetch`, recording what must survive a reload. */
  fetch: typeof fetch;
  /** The sample video's URL for a job: the same blob, with the job id as a fragment so each job's URL differs. */
  videoUrlFor(jobId: string): string;
  /** The spec of the next submitted job. */
  setNextJobSpec(spec: SimJobSpec): void;
  /** Upstream speed of the simulated link for uploads (`withUploadSpeed`); 0 sends at once. */
  readonly uploadBytesPerSecond: number;
  setUploadSpeed(bytesPerSecond: number): void;
  /** How many jobs were replayed from an earlier page load. */
  readonly replayed: number;
  /** Forgets every job, here and in storage. */
  reset(): void;
}

function load(): RecordedRequest[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as RecordedRequest[]) : [];
  } catch {
    return [];
  }
}

function save(records: RecordedRequest[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(records.slice(-MAX_RECORDS)));
  } catch {
    // Storage full or denied: the playground still works, only a reload forgets the jobs.
  }
}

export async function createPageSimulator(): Promise<PageSimulator> {
  let pinned: number | undefined;
  const videoUrl = sampleVideoBlobUrl();
  const videoUrlFor = (jobId: string) => `${videoUrl}#${encodeURIComponent(jobId)}`;
  const sim = createSimulator({
    now: () => pinned ?? Date.now(),
    // The finished video is a blob: URL of the sample MP4 made by this page, so it really plays (and a URL
    // stored before a reload is dead afterwards, just like an expired signed URL). The job id goes in the
    // fragment: a blob: URL with a query does not resolve, and wire formats that sign URLs append one.
    videoUrl: (job) => videoUrlFor(job.id),
  });
  let nextSpec: SimJobSpec = {};
  let uploadSpeed = 0;
  let records = load();
  let replayed = 0;

  // Replay in order, with no faults and each job's own spec, so ids and timings come out as they did.
  for (const record of records) {
    pinned = record.at;
    if (record.kind === 'submit') sim.setJobSpec(record.spec ?? {});
    const before = sim.jobs().length;
    const body = replayBody(record.body);
    // A form rebuilt here has a boundary of its own, which fetch names in the content-type it sets.
    const headers =
      body instanceof FormData
        ? record.headers.filter(([name]) => name.toLowerCase() !== 'content-type')
        : record.headers;
    await sim.fetch(record.url, { method: record.method, headers, body }).catch(() => {});
    const made = sim.jobs()[before];
    if (record.kind === 'submit' && made?.id !== record.jobId) {
      // The simulator changed since these were recorded: start clean rather than resume the wrong jobs.
      records = [];
      save(records);
      sim.reset();
      replayed = 0;
      // The job ids start over: the history's jobs (read after this) would be taken for the new ones.
      localStorage.removeItem('react-video-jobs:history');
      break;
    }
    if (record.kind === 'submit') replayed++;
  }
  pinned = undefined;
  sim.setJobSpec(nextSpec);

  const recordingFetch: typeof fetch = async (input, init) => {
    const before = sim.jobs().length;
    const logIndex = sim.requests.length;
    const response = await sim.fetch(input, init);
    const entry = sim.requests[logIndex];
    const made = sim.jobs()[before];
    const kind =
      entry?.endpoint === 'submit' && made
        ? 'submit'
        : entry?.endpoint === 'cancel' && entry.jobId && response.ok
          ? 'cancel'
          : entry?.endpoint === 'upload' && response.ok && entry.method !== 'GET' && entry.method !== 'HEAD'
            ? 'upload'
            : undefined;
    if (kind) {
      const request = {
        url: entry?.url ?? String(input instanceof Request ? input.url : input),
        method: entry?.method ?? init?.method ?? 'GET',
        headers: [...new Headers(init?.headers).entries()],
        body: await recordBody(init?.body),
        at: entry?.at ?? Date.now(),
      };
      const jobId = kind === 'submit' ? made?.id : kind === 'cancel' ? entry?.jobId : undefined;
      records.push({ ...request, kind, ...(jobId ? { jobId } : {}), ...(kind === 'submit' ? { spec: nextSpec } : {}) });
      save(records);
    }
    return response;
  };

  return {
    sim,
    fetch: recordingFetch,
    videoUrlFor,
    setNextJobSpec(spec) {
      nextSpec = spec;
      sim.setJobSpec(spec);
    },
    get replayed() {
      return replayed;
    },
    get uploadBytesPerSecond() {
      return uploadSpeed;
    },
    setUploadSpeed(bytesPerSecond) {
      uploadSpeed = Math.max(0, bytesPerSecond);
    },
    reset() {
      records = [];
      save(records);
      sim.reset();
      sim.setJobSpec(nextSpec);
    },
  };
}

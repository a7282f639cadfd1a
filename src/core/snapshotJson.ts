import {
  createSnapshot,
  type JobCancellation,
  type JobSnapshot,
  type JobThumbnail,
  type VideoResult,
} from './jobSnapshot';
import { JOB_STATUSES, type JobStatus } from './jobStatus';
import { VideoJobError, type VideoJobErrorJSON } from './videoJobError';

/**
 * A snapshot as it travels over the wire (job events, storage): plain JSON, with the error as
 * `VideoJobErrorJSON`. The provider's `raw` payload is left out unless asked for: it can be large and is the
 * provider's business, not the browser's.
 */
export type JobSnapshotJSON = Omit<JobSnapshot, 'error' | 'raw' | 'logs'> & {
  logs?: readonly string[];
  error?: VideoJobErrorJSON;
  raw?: unknown;
};

/** Turns a snapshot into plain JSON. `includeRaw` keeps the provider's payload. Defaults to `false`. */
export function snapshotToJSON(snapshot: JobSnapshot, options: { includeRaw?: boolean } = {}): JobSnapshotJSON {
  const { error, raw, ...rest } = snapshot;
  const json: JobSnapshotJSON = { ...rest, logs: [...snapshot.logs] };
  if (error) json.error = error.toJSON();
  if (options.includeRaw && raw !== undefined) json.raw = raw;
  return json;
}

/**
 * Reads a snapshot back from JSON with the rules a polled snapshot obeys: a known status, progress within 0..1, a
 * whole non-negative queue position, finite timestamps, and only `https:`/`http:`/`blob:` video and thumbnail URLs
 * (`https:`/`http:` for the ref's URLs). Fields it does not know are dropped. Anything else throws an `invalid_response`
 * `VideoJobError` naming the field, so a foreign, forged or truncated message never becomes state.
 */
export function snapshotFromJSON(value: unknown): JobSnapshot {
  const record = asRecord(value, 'snapshot');
  const refRecord = asRecord(record.ref, 'ref');
  const provider = asString(refRecord.provider, 'ref.provider');
  const id = asString(refRecord.id, 'ref.id');
  if (provider === '' || id === '') fail(provider === '' ? 'ref.provider' : 'ref.id', 'empty');
  const check: FieldCheck = new FieldCheck(provider, id);
  const ref: JobSnapshot['ref'] = { provider, id, model: check.string(refRecord.model ?? '', 'ref.model') };
  if (refRecord.urls !== undefined) {
    const urls = asRecord(refRecord.urls, 'ref.urls');
    ref.urls = {};
    for (const name of ['status', 'result', 'cancel', 'stream'] as const) {
      if (urls[name] !== undefined) ref.urls[name] = check.url(urls[name], `ref.urls.${name}`, WEB_PROTOCOLS);
    }
  }
  if (refRecord.createdAt !== undefined) ref.createdAt = check.time(refRecord.createdAt, 'ref.createdAt');
  if (refRecord.meta !== undefined) {
    const meta = asRecord(refRecord.meta, 'ref.meta');
    ref.meta = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, check.string(v, `ref.meta.${k}`)]));
  }
  if (refRecord.uploads !== undefined) {
    // An uploaded image's URL (https:/http: only) or a provider file id (a short string that is not a URL).
    const uploads = asRecord(refRecord.uploads, 'ref.uploads');
    ref.uploads = {};
    for (const name of ['image', 'endImage'] as const) {
      const value = uploads[name];
      if (value === undefined) continue;
      const text = check.string(value, `ref.uploads.${name}`);
      ref.uploads[name] = /^[a-z][a-z0-9+.-]*:/i.test(text)
        ? check.url(text, `ref.uploads.${name}`, WEB_PROTOCOLS)
        : text.length <= 256
          ? text
          : check.fail(`ref.uploads.${name}`, 'neither a URL nor a file id');
    }
  }

  const status = record.status as JobStatus;
  if (!JOB_STATUSES.includes(status)) check.fail('status', `unknown status ${JSON.stringify(record.status)}`);
  if (typeof record.updatedAt !== 'number') check.fail('updatedAt', 'missing timestamp');
  const logs = record.logs === undefined ? [] : record.logs;
  if (!Array.isArray(logs) || logs.some((line) => typeof line !== 'string')) check.fail('logs', 'not a list of lines');

  const revived: Parameters<typeof createSnapshot>[0] = {
    ref,
    status,
    logs: logs as string[],
    updatedAt: check.time(record.updatedAt, 'updatedAt'),
  };
  if (record.queuePosition !== undefined) {
    const position = record.queuePosition;
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0)
      check.fail('queuePosition', `not a whole number >= 0 (${JSON.stringify(position)})`);
    revived.queuePosition = position;
  }
  if (record.progress !== undefined) {
    const progress = record.progress;
    if (typeof progress !== 'number' || !(progress >= 0 && progress <= 1))
      check.fail('progress', `not a number within 0..1 (${JSON.stringify(progress)})`);
    revived.progress = progress;
  }
  for (const field of ['stalledSince', 'createdAt', 'startedAt', 'completedAt'] as const) {
    if (record[field] !== undefined) revived[field] = check.time(record[field], field);
  }
  if (record.video !== undefined) revived.video = readVideo(asRecord(record.video, 'video'), check);
  if (record.thumbnail !== undefined) revived.thumbnail = readThumbnail(asRecord(record.thumbnail, 'thumbnail'), check);
  if (status === 'completed' && !revived.video) check.fail('video', 'a completed job carries no video');
  if (record.cancellation !== undefined) {
    const cancellation = asRecord(record.cancellation, 'cancellation');
    const remote = cancellation.remote as JobCancellation['remote'];
    if (!CANCEL_OUTCOMES.includes(remote)) check.fail('cancellation.remote', `unknown ${JSON.stringify(remote)}`);
    revived.cancellation = { remote };
    if (cancellation.message !== undefined)
      revived.cancellation.message = check.string(cancellation.message, 'cancellation.message');
  }
  if (record.error !== undefined) {
    const errorRecord = asRecord(record.error, 'error');
    asString(errorRecord.kind, 'error.kind');
    revived.error = VideoJobError.fromJSON({ ...(errorRecord as unknown as VideoJobErrorJSON), provider, jobId: id });
  }
  if (record.raw !== undefined) revived.raw = record.raw;
  return createSnapshot(revived);
}

const WEB_PROTOCOLS = ['https:', 'http:'];
const MEDIA_PROTOCOLS = ['https:', 'http:', 'blob:'];
const CANCEL_OUTCOMES: ReadonlyArray<JobCancellation['remote']> = ['cancelled', 'requested', 'unsupported'];

function readVideo(video: Record<string, unknown>, check: FieldCheck): VideoResult {
  if (typeof video.url !== 'string') check.fail('video.url', 'missing URL');
  const result: VideoResult = { url: check.url(video.url, 'video.url', MEDIA_PROTOCOLS) };
  for (const field of ['contentType', 'fileName'] as const) {
    if (video[field] !== undefined) result[field] = check.string(video[field], `video.${field}`);
  }
  for (const field of ['width', 'height', 'durationSeconds', 'fileSize', 'expiresAt'] as const) {
    if (video[field] !== undefined) result[field] = check.time(video[field], `video.${field}`);
  }
  return result;
}

function readThumbnail(thumbnail: Record<string, unknown>, check: FieldCheck): JobThumbnail {
  if (typeof thumbnail.url !== 'string') check.fail('thumbnail.url', 'missing URL');
  const result: JobThumbnail = { url: check.url(thumbnail.url, 'thumbnail.url', MEDIA_PROTOCOLS) };
  for (const field of ['width', 'height', 'expiresAt'] as const) {
    if (thumbnail[field] !== undefined) result[field] = check.time(thumbnail[field], `thumbnail.${field}`);
  }
  return result;
}

/** Field checks that name the job in their errors. */
class FieldCheck {
  constructor(
    private readonly provider: string,
    private readonly jobId: string,
  ) {}

  fail(field: string, what: string): never {
    return fail(field, what, this.provider, this.jobId);
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, 'not a string');
    return value;
  }

  /** A finite number >= 0 (epoch ms, sizes, durations). */
  time(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      this.fail(field, `not a finite number >= 0 (${JSON.stringify(value)})`);
    return value;
  }

  url(value: unknown, field: string, protocols: readonly string[]): string {
    const text = this.string(value, field);
    let protocol: string | undefined;
    try {
      protocol = new URL(text).protocol;
    } catch {
      protocol = undefined;
    }
    if (!protocol || !protocols.includes(protocol))
      this.fail(field, `only ${protocols.join(' ')} URLs are accepted, got ${JSON.stringify(text.slice(0, 40))}`);
    return text;
  }
}

function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'not an object');
  return value as Record<string, unknown>;
}

function asString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'not a string');
  return value;
}

function fail(field: string, what: string, provider?: string, jobId?: string): never {
  throw new VideoJobError({
    kind: 'invalid_response',
    field,
    provider,
    jobId,
    message: `a job event's \`${field}\` is invalid (${what}); the events endpoint must send snapshots written by react-video-jobs/server`,
  });
}

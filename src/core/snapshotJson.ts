import { createSnapshot, type JobSnapshot } from './jobSnapshot';
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
 * Reads a snapshot back from JSON, checking the fields every consumer relies on. Anything else throws an
 * `invalid_response` `VideoJobError` naming the field, so a foreign or truncated message never becomes state.
 */
export function snapshotFromJSON(value: unknown): JobSnapshot {
  const record = asRecord(value, 'snapshot');
  const ref = asRecord(record.ref, 'ref');
  const provider = asString(ref.provider, 'ref.provider');
  const id = asString(ref.id, 'ref.id');
  asString(ref.model ?? '', 'ref.model');
  const status = record.status as JobStatus;
  if (!JOB_STATUSES.includes(status)) fail('status', `unknown status ${JSON.stringify(record.status)}`, provider, id);
  if (typeof record.updatedAt !== 'number') fail('updatedAt', 'missing timestamp', provider, id);
  const logs = record.logs === undefined ? [] : record.logs;
  if (!Array.isArray(logs) || logs.some((line) => typeof line !== 'string'))
    fail('logs', 'not a list of lines', provider, id);
  const video = record.video === undefined ? undefined : asRecord(record.video, 'video');
  if (video && typeof video.url !== 'string') fail('video.url', 'missing URL', provider, id);
  if (status === 'completed' && !video) fail('video', 'a completed job carries no video', provider, id);

  const { error, ...rest } = record as unknown as JobSnapshotJSON;
  const init = { ...rest, ref: { ...(ref as unknown as JobSnapshot['ref']), model: (ref.model as string) ?? '' } };
  const revived: Parameters<typeof createSnapshot>[0] = { ...init, logs: logs as string[] };
  if (error !== undefined) {
    const errorRecord = asRecord(error, 'error');
    asString(errorRecord.kind, 'error.kind');
    revived.error = VideoJobError.fromJSON({ ...(errorRecord as unknown as VideoJobErrorJSON), provider, jobId: id });
  }
  return createSnapshot(revived);
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

import { jobKey, type JobRef } from '../core/jobSnapshot';
import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import { snapshotToJSON, type JobSnapshotJSON } from '../core/snapshotJson';
import type { VideoClient } from '../core/videoClient';
import { VideoJobError, toVideoJobError } from '../core/videoJobError';
import type { JobEventBus } from './jobEventBus';

/** `createJobEventsHandler({ watch })`: the server follows the jobs it streams, so no webhook is needed to end them. */
export interface JobWatchOptions {
  /**
   * A server-side client holding the providers' keys, e.g.
   * `() => createVideoClient({ providers: { fal: fal({ apiKey: process.env.FAL_KEY }) } })`. A function is called at
   * the first stream, not when the module loads, so keys are read then (`next build` needs none); when it throws
   * (a missing key) the failure goes to `onError` and it is called again at the next stream.
   */
  client: VideoClient | (() => VideoClient);
  /**
   * Called when a job's watcher stops before the job ended (a refused key, an unknown job, a provider the client
   * lacks, `maxWatchMs`): the job's streams stay open and still carry webhook updates, and tell their browsers the
   * server no longer watches, so they poll again. Transient poll failures are not reported; the schedule backs off
   * and asks again.
   */
  onError?: (error: VideoJobError) => void;
  /**
   * How long one job is watched at most; a job still running then is left to webhooks and the browsers' own polls
   * (a stream that connects later starts watching it again). Defaults to `3600000` ms (1 h).
   */
  maxWatchMs?: number;
}

export interface JobWatcher {
  /**
   * A stream for the job opened: starts its watcher, or joins the one running. `onStopped` is called if the watcher
   * gives up before the job ended (a failure, `maxWatchMs`), so the stream can tell its browser to poll again.
   * Returns the function that leaves it.
   */
  retain(ref: JobRef, onStopped?: () => void): () => void;
  /** Jobs watched right now (for tests and metrics). */
  readonly size: number;
}

interface Watch {
  ref: JobRef;
  holders: number;
  controller: AbortController;
  /** The holders' `onStopped`, called when the watcher gives up on a job that has not ended. */
  stopped: Set<() => void>;
}

/**
 * One watcher per job on this instance, however many streams follow it: it runs the client's poll schedule
 * (`client.watch`) while at least one stream holds it and publishes each change to the bus, so every instance's
 * streams get it. A terminal update from anyone (a webhook, another instance's watcher) ends it, and so does the last
 * stream closing. Nothing it does throws into the handler: failures go to `onError`.
 */
export function createJobWatcher(bus: JobEventBus, options: JobWatchOptions): JobWatcher {
  const maxWatchMs = options.maxWatchMs ?? 3_600_000;
  const watches = new Map<string, Watch>();
  let built: VideoClient | undefined;

  function report(error: unknown, ref: JobRef): void {
    const failure = toVideoJobError(error, { provider: ref.provider, jobId: ref.id });
    const stopped = new VideoJobError({
      kind: failure.kind,
      provider: ref.provider,
      jobId: ref.id,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      retryable: false,
      message:
        `the job events handler stopped watching the job (${failure.detail}); its streams stay open for webhook updates. ${FIXES[failure.kind] ?? ''}`.trim(),
      cause: failure,
    });
    try {
      options.onError?.(stopped);
    } catch {
      // The app's logger failing must not take the stream down with it.
    }
  }

  function client(): VideoClient {
    if (built) return built;
    const made = typeof options.client === 'function' ? options.client() : options.client;
    if (typeof made?.watch !== 'function') {
      throw new VideoJobError({
        kind: 'invalid_input',
        field: 'watch.client',
        message: 'createJobEventsHandler({ watch: { client } }) needs a VideoClient or a function returning one',
      });
    }
    return (built = made);
  }

  async function run(key: string, watch: Watch): Promise<void> {
    const { signal } = watch.controller;
    let unsubscribe: (() => Promise<void>) | undefined;
    let watching: VideoClient | undefined;
    let known = false;
    // The bus's newest state of the job, so a poll that only repeats it (or what a webhook said) is not sent again.
    let latest: string | undefined;
    try {
      unsubscribe = await bus.subscribe(key, (event) => {
        latest = sameness(event.snapshot);
        // A webhook (or another instance) told every stream the end: polling for it would only repeat it.
        if (isTerminalStatus(event.snapshot.status as JobStatus)) watch.controller.abort();
      });
      const newest = (await bus.replay(key)).at(-1);
      if (newest && latest === undefined) latest = sameness(newest.snapshot);
      if (newest && isTerminalStatus(newest.snapshot.status as JobStatus)) return;
      if (signal.aborted) return;
      watching = client();
      known = watching.getSnapshot(watch.ref) !== undefined;
      for await (const snapshot of watching.watch(watch.ref, { signal, timeoutMs: maxWatchMs })) {
        const state = sameness(snapshotToJSON(snapshot));
        if (state === latest) continue;
        latest = state;
        await bus.publish(snapshot);
      }
    } catch (error) {
      if (!signal.aborted) {
        report(error, watch.ref);
        for (const stopped of [...watch.stopped]) {
          try {
            stopped();
          } catch {
            // One stream failing to hear it must not keep the others from hearing it.
          }
        }
      }
    } finally {
      if (watches.get(key) === watch) watches.delete(key);
      try {
        if (unsubscribe) await unsubscribe().catch(() => undefined);
        // The app may use the same client for its own jobs: only forget what the watcher brought in.
        if (watching && !known) watching.forget(watch.ref);
      } catch {
        // A bus or client failing to let go must not surface in the handler.
      }
    }
  }

  return {
    retain(ref, onStopped) {
      const key = jobKey(ref);
      let watch = watches.get(key);
      const starting = !watch;
      if (!watch) {
        watch = { ref, holders: 0, controller: new AbortController(), stopped: new Set() };
        watches.set(key, watch);
      }
      const held = watch;
      held.holders++;
      const stopped = onStopped ? () => onStopped() : undefined;
      if (stopped) held.stopped.add(stopped);
      if (starting) void run(key, held).catch(() => undefined);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        if (stopped) held.stopped.delete(stopped);
        if (--held.holders > 0) return;
        if (watches.get(key) === held) watches.delete(key);
        held.controller.abort();
      };
    },
    get size() {
      return watches.size;
    },
  };
}

/** What a snapshot says, without when it was seen or how the sender names the job, for "is this news?". */
function sameness(snapshot: JobSnapshotJSON): string {
  const { updatedAt: _at, ref: _ref, raw: _raw, ...said } = snapshot;
  return JSON.stringify(said);
}

const FIXES: Partial<Record<VideoJobError['kind'], string>> = {
  auth: "Check the key the watch client was created with (e.g. `FAL_KEY`) and that it may read this model's jobs.",
  not_found:
    'The provider does not know the job under the server key: check that the server uses the same account as the proxy.',
  invalid_input:
    'Check `watch.client`: it must be a VideoClient (or a function returning one) with this provider registered under the same name, and its keys must be set.',
  timeout: 'The job ran longer than `watch.maxWatchMs`; raise it for longer jobs.',
  invalid_response: 'The provider answered something its adapter cannot read; the job is left to webhooks.',
};

import type { DurationModel } from './durationModel';
import type { ProviderRegistry } from './providerRegistry';
import type { PushUpdates } from './pushUpdates';
import type { PollingOptions, ResolvedPollingOptions } from './schedule';

/** What the job operations of one client (poll, cancel, refresh, watch) share. */
export interface ClientRuntime {
  now(): number;
  random(): number;
  providers: ProviderRegistry;
  durations: DurationModel;
  /** The client's `polling` option as given, for per-job overrides. */
  pollingOption: PollingOptions | undefined;
  /** The client's `polling` option resolved. */
  polling: ResolvedPollingOptions;
  /** How long following a job lasts before it ends with a `timeout` error. */
  timeoutMs: number;
  push?: PushUpdates;
}

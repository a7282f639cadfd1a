/**
 * The poll schedule: a pure function of a job's history. Implemented in full by the core engine work;
 * the option names and defaults below are the public contract.
 */
export interface PollingOptions {
  /** Delay before the first poll after submit. Defaults to `1000` ms. */
  initialDelayMs?: number;
  /** Each interval is the previous one times this. Defaults to `1.5`. */
  multiplier?: number;
  /** The longest interval. Defaults to `10000` ms. */
  maxDelayMs?: number;
  /** Random spread of each interval, as a fraction. Defaults to `0.2` (+/-20 %). */
  jitter?: number;
  /** The shortest interval; the provider's own floor applies too (the larger wins). Defaults to `0`. */
  minDelayMs?: number;
  /** Slow-down factor while the page is hidden (jobs keep finishing in background tabs). Defaults to `3`. */
  hiddenMultiplier?: number;
  /** Sleep until just before the estimated end when progress or an expected duration is known. Defaults to `true`. */
  eta?: boolean;
  /** Expected run time of the job (ms), when the caller knows it; enables the ETA mode without progress. */
  expectedDurationMs?: number;
  /** Flag a job that sits in the queue with no movement for this long (`stalledSince`). Defaults to `120000` ms. */
  stallAfterMs?: number;
}

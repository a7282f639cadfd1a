import type { JobRef } from './jobSnapshot';
import type { ProviderAdapter } from './provider';
import type { SubmitOptions, VideoClientOptions } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

/** The checks a client makes before sending anything: each throws an `invalid_input` naming the field and the fix. */

export function invalidInput(field: string, message: string, provider?: string, cause?: unknown): VideoJobError {
  return new VideoJobError({ kind: 'invalid_input', field, message, provider, cause });
}

export function checkProviders(
  providers: VideoClientOptions['providers'] | undefined,
): Record<string, ProviderAdapter> {
  if (typeof providers !== 'object' || providers === null) {
    throw invalidInput(
      'providers',
      'createVideoClient needs { providers: { name: adapter } }, e.g. { providers: { fal: fal() } }',
    );
  }
  for (const [name, provider] of Object.entries(providers)) {
    if (typeof provider?.submit !== 'function' || typeof provider.getStatus !== 'function') {
      throw invalidInput(
        'providers',
        `providers.${name} is not a provider adapter (it needs submit and getStatus)`,
        name,
      );
    }
  }
  return providers;
}

/** `timeoutMs`, `maxFinishedJobs` and `unusedJobTtlMs` with their defaults. */
export function checkLimits(options: VideoClientOptions): {
  timeoutMs: number;
  maxFinishedJobs: number;
  unusedJobTtlMs: number;
} {
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!(timeoutMs > 0))
    throw invalidInput('timeoutMs', `timeoutMs is ${String(timeoutMs)}, expected a number of ms > 0`);
  const maxFinishedJobs = options.maxFinishedJobs ?? 100;
  if (!(maxFinishedJobs >= 0) || (Number.isFinite(maxFinishedJobs) && !Number.isInteger(maxFinishedJobs))) {
    throw invalidInput(
      'maxFinishedJobs',
      `maxFinishedJobs is ${String(maxFinishedJobs)}, expected a whole number >= 0 (or Infinity to keep every job)`,
    );
  }
  const unusedJobTtlMs = options.unusedJobTtlMs ?? 600_000;
  if (!(unusedJobTtlMs >= 0)) {
    throw invalidInput(
      'unusedJobTtlMs',
      `unusedJobTtlMs is ${String(unusedJobTtlMs)}, expected a number of ms >= 0 (or Infinity to keep every job)`,
    );
  }
  return { timeoutMs, maxFinishedJobs, unusedJobTtlMs };
}

export function checkRef(ref: JobRef): void {
  if (typeof ref !== 'object' || ref === null || typeof ref.id !== 'string' || ref.id === '') {
    throw invalidInput('ref', `a job ref needs { provider, id, model }, got ${describe(ref)}`, ref?.provider);
  }
}

/** The submit's model and the input's shape (an object), checked before anything else, the images included. */
export function checkSubmit(options: SubmitOptions): Record<string, unknown> {
  const { provider: name, model } = options;
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalidInput(
      'model',
      `model is ${JSON.stringify(model)}; pass the model or endpoint id, e.g. "fal-ai/veo3"`,
      name,
    );
  }
  const input = options.input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput('input', `input must be an object of model parameters, got ${describe(input)}`, name);
  }
  return input;
}

/**
 * The checked input (`checkSubmit`, its images taken out) through the adapter's own validation, which may load its
 * schemas first (fal's come with its first request): a Promise then, else the input at once.
 */
export function validateSubmit(
  provider: ProviderAdapter,
  options: Pick<SubmitOptions, 'provider' | 'model'>,
  input: Record<string, unknown>,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (!provider.validateInput) return input;
  const refused = (error: unknown): never => {
    throw asInvalidInput(error, options.provider);
  };
  try {
    const validated = provider.validateInput(options.model, input) as
      Record<string, unknown> | Promise<Record<string, unknown>>;
    return validated instanceof Promise ? validated.catch(refused) : validated;
  } catch (error) {
    return refused(error);
  }
}

function asInvalidInput(error: unknown, provider: string): VideoJobError {
  // Input errors stand as they are, and so do retryable ones: the adapter could not check the input (its schemas did
  // not load), so asking again may work.
  if (error instanceof VideoJobError && (error.kind === 'invalid_input' || error.retryable)) {
    return toVideoJobError(error, { provider });
  }
  if (error instanceof VideoJobError) {
    return invalidInput(error.field ?? 'input', error.detail, error.provider ?? provider, error);
  }
  const text = error instanceof Error ? error.message : String(error);
  return invalidInput(
    'input',
    `the input was rejected before sending (${text}); fix it and submit again`,
    provider,
    error,
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? JSON.stringify(value).slice(0, 80)
    : `${typeof value} ${String(value).slice(0, 40)}`;
}

import { createPrng } from './prng';
import { DEFAULT_FAULT_ENDPOINTS, delay } from './simFaults';
import type { SimEndpoint, SimFaults, SimOneShotFault } from './simFaults';

export type SimFault =
  'drop' | 'latency' | 'server_error' | 'rate_limited' | 'malformed' | 'not_modified' | 'auth' | 'http';

/** An error answer to send instead of handling the request. */
export interface FaultAnswer {
  fault: SimFault;
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** What was decided for one request before it reaches its wire format. */
export interface FaultDecision {
  /** Answer with this instead of handling the request. */
  answer?: FaultAnswer;
  /** Set when the request was delayed by a one-shot latency fault. */
  fault?: SimFault;
  /** Whether to cut the JSON body of the answer short (decided after handling). */
  malformed(): boolean;
}

export interface FaultInjector {
  readonly faults: SimFaults;
  set(faults: SimFaults): void;
  failNext(fault: SimOneShotFault, count: number): void;
  /**
   * Applies latency (honouring `signal`) and decides the fault for a request: one-shot faults first, then the
   * random ones (seeded). Throws a `TypeError` for a dropped connection, as `fetch` does.
   */
  before(request: {
    path: string;
    href: string;
    endpoint: SimEndpoint | 'unknown';
    signal?: AbortSignal;
  }): Promise<FaultDecision>;
  reset(faults: SimFaults): void;
}

export function createFaultInjector(seed: number, initial: SimFaults): FaultInjector {
  let random = createPrng(seed);
  let faults: SimFaults = { ...initial };
  let oneShots: { fault: SimOneShotFault; left: number }[] = [];

  // Each rate draws from the PRNG only when set, so adding one fault kind does not reshuffle the others.
  const roll = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate;

  function takeOneShot(path: string, href: string, endpoint: SimEndpoint | 'unknown'): SimOneShotFault | undefined {
    const index = oneShots.findIndex(({ fault }) =>
      fault.match ? fault.match.test(path) || fault.match.test(href) : endpoint !== 'file',
    );
    if (index < 0) return undefined;
    const entry = oneShots[index]!;
    entry.left -= 1;
    if (entry.left <= 0) oneShots.splice(index, 1);
    return entry.fault;
  }

  return {
    get faults() {
      return faults;
    },
    set(next) {
      faults = { ...next };
    },
    failNext(fault, count) {
      oneShots.push({ fault, left: Math.max(1, count) });
    },
    async before({ path, href, endpoint, signal }) {
      const oneShot = takeOneShot(path, href, endpoint);
      const randomApplies = endpoint !== 'unknown' && (faults.endpoints ?? DEFAULT_FAULT_ENDPOINTS).includes(endpoint);
      const malformed = () =>
        (oneShot !== undefined && 'malformed' in oneShot) || (randomApplies && roll(faults.malformedRate));
      const oneShotLatency = oneShot && 'latencyMs' in oneShot ? oneShot.latencyMs : 0;
      const latency = oneShotLatency + (randomApplies ? (faults.latencyMs ?? 0) : 0);
      if (latency > 0) await delay(latency, signal);
      if ((oneShot && 'drop' in oneShot) || (randomApplies && roll(faults.dropRate))) {
        throw new TypeError('fetch failed (simulated dropped connection)');
      }
      const decided = (answer?: FaultAnswer): FaultDecision => ({
        ...(answer ? { answer } : {}),
        ...(oneShotLatency > 0 ? { fault: 'latency' as const } : {}),
        malformed,
      });
      const retryAfter = (seconds: number | undefined) => ({
        'retry-after': String(seconds ?? faults.retryAfterSeconds ?? 1),
      });
      if (oneShot && 'status' in oneShot) {
        const { status } = oneShot;
        const fault: SimFault =
          status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'server_error'
              : status === 401 || status === 403
                ? 'auth'
                : 'http';
        return decided({
          fault,
          status,
          message: oneShot.message ?? (status === 429 ? 'Too many requests (simulated)' : `Simulated ${status}`),
          ...(status === 429 ? { headers: retryAfter(oneShot.retryAfter) } : {}),
        });
      }
      if (randomApplies && roll(faults.serverErrorRate)) {
        return decided({ fault: 'server_error', status: 500, message: 'Internal server error (simulated)' });
      }
      if (randomApplies && roll(faults.rateLimitRate)) {
        return decided({
          fault: 'rate_limited',
          status: 429,
          message: 'Too many requests (simulated)',
          headers: retryAfter(undefined),
        });
      }
      return decided();
    },
    reset(next) {
      random = createPrng(seed);
      faults = { ...next };
      oneShots = [];
    },
  };
}

import { createPrng } from './prng';
import { isTerminalPhase, jobAt, resolveSpec } from './simJob';
import type { SimJob, SimJobRecord, SimJobSpec } from './simJob';

export interface SimJobInfo {
  provider: string;
  model: string;
  input: unknown;
  /** 0-based submit order across the simulator. */
  index: number;
}

export type SimJobSpecOption = SimJobSpec | ((info: SimJobInfo) => SimJobSpec);

export interface SimJobInit {
  model: string;
  input: unknown;
  webhookUrl?: string;
  meta?: Record<string, string>;
  id?: string;
}

/** Where a job was submitted: the request's URL, its path below the provider and the provider's root (`SimRequest`). */
export interface SimJobVia {
  href: string;
  path: string;
  base: string;
}

/** The one job store every wire format reads and writes, so a job looks the same through any of them. */
export interface SimJobStore {
  create(provider: string, init: SimJobInit, via?: SimJobVia): SimJob;
  /** Where the job was submitted, for callbacks whose URLs must lead back there. */
  via(id: string): SimJobVia | undefined;
  /** The job as it stands now; with `provider`, only when it is that provider's job. */
  get(id: string, provider?: string): SimJob | undefined;
  all(): SimJob[];
  cancel(id: string, provider?: string): 'cancelled' | 'already_ended' | 'not_found';
  /** Ends a queued or running job now; throws for an unknown id. */
  end(id: string, outcome: 'completed' | 'failed', errorMessage?: string): SimJob;
  /** A UUID (v4 format) from a seeded sequence of its own, so ids repeat per seed without shifting faults. */
  uuid(): string;
  setSpec(spec: SimJobSpecOption): void;
  reset(spec: SimJobSpecOption): void;
}

export function createJobStore(now: () => number, seed: number, initialSpec: SimJobSpecOption): SimJobStore {
  let idRandom = createPrng(seed ^ 0x9e3779b9);
  let spec = initialSpec;
  let records = new Map<string, SimJobRecord>();
  let vias = new Map<string, SimJobVia>();
  let submitted = 0;

  const view = (record: SimJobRecord) => jobAt(record, now());
  const find = (id: string, provider?: string) => {
    const found = records.get(id);
    return found && (provider === undefined || found.provider === provider) ? found : undefined;
  };

  const store: SimJobStore = {
    create(provider, init, via) {
      const index = submitted++;
      const info = { provider, model: init.model, input: init.input, index };
      const record: SimJobRecord = {
        id: init.id ?? store.uuid(),
        ...info,
        createdAt: now(),
        spec: resolveSpec(typeof spec === 'function' ? spec(info) : spec),
        meta: { ...init.meta },
        ...(init.webhookUrl !== undefined ? { webhookUrl: init.webhookUrl } : {}),
      };
      records.set(record.id, record);
      if (via) vias.set(record.id, via);
      return view(record);
    },
    via: (id) => vias.get(id),
    get(id, provider) {
      const found = find(id, provider);
      return found ? view(found) : undefined;
    },
    all: () => [...records.values()].map(view),
    cancel(id, provider) {
      const found = find(id, provider);
      if (!found) return 'not_found';
      if (isTerminalPhase(view(found).status)) return 'already_ended';
      found.cancelledAt = now();
      return 'cancelled';
    },
    end(id, outcome, errorMessage) {
      const found = records.get(id);
      if (!found) {
        throw new Error(`[react-video-jobs simulator] no job with id ${id}; check sim.jobs() for the ids it knows`);
      }
      if (!isTerminalPhase(view(found).status)) {
        found.forcedEnd = { at: now(), outcome, ...(errorMessage !== undefined ? { errorMessage } : {}) };
      }
      return view(found);
    },
    uuid() {
      const hex = Array.from({ length: 32 }, () => Math.floor(idRandom() * 16).toString(16));
      hex[12] = '4';
      hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
    setSpec(next) {
      spec = next;
    },
    reset(next) {
      idRandom = createPrng(seed ^ 0x9e3779b9);
      spec = next;
      records = new Map();
      vias = new Map();
      submitted = 0;
    },
  };
  return store;
}

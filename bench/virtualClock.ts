/**
 * Virtual time for the whole process, so every contestant runs its own real code (its own `setTimeout`
 * sleeps, its own `Date.now()` checks) against the simulator without waiting for real seconds.
 *
 * `install()` replaces the global `setTimeout` / `setInterval` / `clearTimeout` / `clearInterval`,
 * `Date.now` and `Math.random` (seeded, so peers' jitter repeats from run to run). `runUntil` then fires
 * timers in time order; between two firings it yields real macrotasks (`setImmediate`, captured before
 * patching) so every promise chain a firing started (fetch -> simulator -> JSON -> next sleep) settles
 * before the clock moves on. Nothing in the simulator or the clients waits on real I/O, so this is exact.
 */
import { createPrng } from '../src/testing/prng';

type Callback = (...args: unknown[]) => void;

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  fn: Callback;
  args: unknown[];
  /** Who scheduled it (see `labelTimer`), to attribute what the firing causes. */
  label?: string;
  /** Repeat period for intervals. */
  every?: number;
  cancelled: boolean;
}

/** What `setTimeout` returns here: a Node-style handle (some clients call `unref()`), coercible to its id. */
export class VirtualTimeout {
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export interface VirtualClock {
  /** Virtual epoch ms. */
  now(): number;
  install(): void;
  uninstall(): void;
  /** Timers (and intervals) scheduled and not yet fired or cleared. */
  pendingTimers(): number;
  /** Fires timers in order until `done()` holds (checked after each firing) or virtual time passes `limitMs`. */
  runUntil(done: () => boolean, limitMs?: number): Promise<void>;
  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): Promise<void>;
  /** Lets pending promise chains settle without moving time. */
  settle(): Promise<void>;
  /** The label of the timer that fired last: whatever happens until the next firing was caused by it. */
  currentLabel(): string | undefined;
  /** Timers fired so far, per label (`''` for unlabelled ones). */
  fired(): Map<string, number>;
  /**
   * Work that waits on something real (WebCrypto runs on Node's thread pool): time does not move on until it
   * has settled, so it takes no virtual time, like everything else.
   */
  hold<T>(work: Promise<T>): Promise<T>;
}

export interface VirtualClockOptions {
  /** Start of virtual time (epoch ms). Defaults to 2026-01-01T00:00:00Z. */
  start?: number;
  /** Seed for the patched `Math.random`. Defaults to `1`. */
  seed?: number;
  /** Real macrotask turns to yield between two firings. Defaults to `2`. */
  settleTurns?: number;
  /** Names the code scheduling a timer (called inside `setTimeout`/`setInterval`, e.g. to read the stack). */
  labelTimer?: (kind: 'timeout' | 'interval') => string | undefined;
}

const realSetImmediate = globalThis.setImmediate;

export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  let current = options.start ?? Date.UTC(2026, 0, 1);
  const settleTurns = options.settleTurns ?? 2;
  const random = createPrng(options.seed ?? 1);
  const heap: VirtualTimer[] = [];
  const live = new Map<number, VirtualTimer>();
  let nextId = 1;
  let seq = 0;
  let saved: Record<string, unknown> | undefined;
  let firing: string | undefined;
  const held = new Set<Promise<unknown>>();
  const firedByLabel = new Map<string, number>();

  function schedule(fn: Callback, delay: unknown, args: unknown[], every?: number): VirtualTimeout {
    const ms = Math.max(0, Number(delay) || 0);
    const timer: VirtualTimer = { id: nextId++, at: current + ms, seq: seq++, fn, args, cancelled: false };
    if (every !== undefined) timer.every = Math.max(1, ms);
    // A zero-delay timer continues the work of the firing that scheduled it (e.g. React Query's batched
    // notifications): it inherits that firing's label, so effects are attributed to their real cause.
    if (ms === 0 && every === undefined && firing !== undefined) timer.label = firing;
    else if (options.labelTimer) timer.label = options.labelTimer(every === undefined ? 'timeout' : 'interval');
    live.set(timer.id, timer);
    push(timer);
    return new VirtualTimeout(timer.id);
  }

  function clear(handle: unknown): void {
    if (handle === undefined || handle === null) return;
    const id = typeof handle === 'number' ? handle : Number(handle as VirtualTimeout);
    const timer = live.get(id);
    if (!timer) return;
    timer.cancelled = true;
    live.delete(id);
    // Cleared timers leave the heap lazily; rebuild it when they dominate, so a long run that keeps
    // replacing far-future timers does not grow the bench's own memory (section 3 measures the heap).
    if (heap.length > 256 && heap.length > 2 * live.size) {
      const kept = heap.filter((entry) => !entry.cancelled);
      heap.length = 0;
      for (const entry of kept) push(entry);
    }
  }

  function push(timer: VirtualTimer): void {
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  function pop(): VirtualTimer | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  function peek(): VirtualTimer | undefined {
    while (heap.length > 0 && heap[0]!.cancelled) pop();
    return heap[0];
  }

  async function settle(): Promise<void> {
    do {
      if (held.size > 0) await Promise.allSettled([...held]);
      for (let i = 0; i < settleTurns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
    } while (held.size > 0);
  }

  /** Fires the earliest timer if it is due by `until`; returns false when none is. */
  async function fireNext(until: number): Promise<boolean> {
    await settle();
    const timer = peek();
    if (!timer || timer.at > until) return false;
    pop();
    current = Math.max(current, timer.at);
    if (timer.every !== undefined) {
      timer.at = current + timer.every;
      timer.seq = seq++;
      push(timer);
    } else {
      live.delete(timer.id);
    }
    firing = timer.label;
    firedByLabel.set(timer.label ?? '', (firedByLabel.get(timer.label ?? '') ?? 0) + 1);
    timer.fn(...timer.args);
    return true;
  }

  return {
    now: () => current,
    install() {
      if (saved) return;
      const g = globalThis as unknown as Record<string, unknown>;
      saved = {
        setTimeout: g.setTimeout,
        clearTimeout: g.clearTimeout,
        setInterval: g.setInterval,
        clearInterval: g.clearInterval,
        dateNow: Date.now,
        random: Math.random,
      };
      g.setTimeout = (fn: Callback, delay?: number, ...args: unknown[]) => schedule(fn, delay, args);
      g.setInterval = (fn: Callback, delay?: number, ...args: unknown[]) => schedule(fn, delay, args, Number(delay));
      g.clearTimeout = clear;
      g.clearInterval = clear;
      Date.now = () => current;
      Math.random = random;
    },
    uninstall() {
      if (!saved) return;
      const g = globalThis as unknown as Record<string, unknown>;
      g.setTimeout = saved.setTimeout;
      g.clearTimeout = saved.clearTimeout;
      g.setInterval = saved.setInterval;
      g.clearInterval = saved.clearInterval;
      Date.now = saved.dateNow as () => number;
      Math.random = saved.random as () => number;
      saved = undefined;
    },
    pendingTimers: () => live.size,
    async runUntil(done, limitMs = Number.POSITIVE_INFINITY) {
      const until = current + limitMs;
      while (!done()) {
        if (!(await fireNext(until))) {
          await settle();
          firing = undefined;
          if (done()) return;
          if (peek() === undefined) throw new Error('[bench] virtual clock: nothing left to run, but not done');
          current = until;
          return;
        }
      }
      await settle();
      firing = undefined;
    },
    async advance(ms) {
      const until = current + ms;
      while (await fireNext(until)) {
        // keep firing
      }
      await settle();
      firing = undefined;
      current = Math.max(current, until);
    },
    settle,
    currentLabel: () => firing,
    fired: () => firedByLabel,
    hold(work) {
      held.add(work);
      const release = () => held.delete(work);
      work.then(release, release);
      return work;
    },
  };
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

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
}

export interface VirtualClockOptions {
  /** Start of virtual time (epoch ms). Defaults to 2026-01-01T00:00:00Z. */
  start?: number;
  /** Seed for the patched `Math.random`. Defaults to `1`. */
  seed?: number;
  /** Real macrotask turns to yield between two firings. Defaults to `2`. */
  settleTurns?: number;
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

  function schedule(fn: Callback, delay: unknown, args: unknown[], every?: number): VirtualTimeout {
    const ms = Math.max(0, Number(delay) || 0);
    const timer: VirtualTimer = { id: nextId++, at: current + ms, seq: seq++, fn, args, cancelled: false };
    if (every !== undefined) timer.every = Math.max(1, ms);
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
    for (let i = 0; i < settleTurns; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
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
          if (done()) return;
          if (peek() === undefined) throw new Error('[bench] virtual clock: nothing left to run, but not done');
          current = until;
          return;
        }
      }
      await settle();
    },
    async advance(ms) {
      const until = current + ms;
      while (await fireNext(until)) {
        // keep firing
      }
      await settle();
      current = Math.max(current, until);
    },
    settle,
  };
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

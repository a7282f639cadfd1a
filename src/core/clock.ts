/**
 * The one clock tick of the library: every observer and component that shows a running time subscribes here, and
 * all subscribers of one interval share one timer. Elapsed times in a list of cards then change together, in one
 * render pass, instead of on one timer each, out of step.
 */

interface Ticker {
  listeners: Set<(now: number) => void>;
  timer: ReturnType<typeof setInterval>;
  /** The `setInterval` the timer was made with: tests swap fake and real timers, and a timer of the other kind never fires. */
  madeWith: typeof setInterval;
}

const tickers = new Map<number, Ticker>();

/** Calls `listener` with `Date.now()` every `intervalMs`, on the timer shared by every subscriber of that interval. */
export function subscribeTick(intervalMs: number, listener: (now: number) => void): () => void {
  let ticker = tickers.get(intervalMs);
  if (ticker && ticker.madeWith !== globalThis.setInterval) {
    clearInterval(ticker.timer);
    ticker = undefined;
  }
  if (!ticker) {
    const listeners = new Set<(now: number) => void>();
    const timer = setInterval(() => {
      const now = Date.now();
      for (const each of [...listeners]) each(now);
    }, intervalMs);
    ticker = { listeners, timer, madeWith: globalThis.setInterval };
    tickers.set(intervalMs, ticker);
  }
  const own = ticker;
  own.listeners.add(listener);
  return () => {
    own.listeners.delete(listener);
    if (own.listeners.size === 0 && tickers.get(intervalMs) === own) {
      clearInterval(own.timer);
      tickers.delete(intervalMs);
    }
  };
}

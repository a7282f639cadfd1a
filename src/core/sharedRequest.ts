import { raceSignal } from './sleep';

/**
 * One request shared by every caller asking at the same time: the first `join` starts it, later ones wait for the
 * same answer, and it is aborted when the last caller still waiting aborts. Once it settles the next `join` starts
 * a new one.
 */
export class SharedRequest<T> {
  #current?: { promise: Promise<T>; controller: AbortController; waiters: number };

  /** A request is under way. */
  get active(): boolean {
    return this.#current !== undefined;
  }

  /** Joins the request under way, or starts one with `start`; rejects as soon as `signal` aborts. */
  async join(start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let current = this.#current;
    if (!current) {
      const controller = new AbortController();
      const created = {
        controller,
        waiters: 0,
        promise: start(controller.signal).finally(() => {
          if (this.#current === created) this.#current = undefined;
        }),
      };
      created.promise.catch(() => undefined); // every caller may have left; the rejection is theirs to see
      this.#current = current = created;
    }
    const joined = current;
    joined.waiters++;
    try {
      return await raceSignal(joined.promise, signal);
    } finally {
      if (--joined.waiters === 0 && this.#current === joined) joined.controller.abort(signal?.reason);
    }
  }

  /** Aborts the request under way, if any, for every caller. */
  abort(reason: unknown): void {
    this.#current?.controller.abort(reason);
  }
}

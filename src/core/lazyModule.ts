/** A module loaded with `import()` on first use and kept: later uses wait on nothing. */
export interface LazyModule<T> {
  /** The module once loaded, else `undefined`. */
  readonly loaded: T | undefined;
  /** Loads it (once; a load that failed is tried again by the next call). */
  load(): Promise<T>;
}

/**
 * Wraps an `import()` of code an app ships only when it uses it (a chunk of its own in the app's build): the first
 * `load()` fetches it, and after that `loaded` holds it, so a caller can use it without another turn.
 */
export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      if (loaded) return Promise.resolve(loaded);
      loading ??= importer().then(
        (module) => (loaded = module),
        (cause: unknown) => {
          loading = undefined;
          throw cause;
        },
      );
      return loading;
    },
  };
}

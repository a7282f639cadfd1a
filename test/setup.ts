import '@testing-library/jest-dom/vitest';

// What the library loads with import() when first used (the client's input image code, the XMLHttpRequest fetch of
// uploads, fal's schemas, upload and status stream reader, the job history): loaded here first, so a test on fake
// timers never waits on real module loading, however busy the machine.
await Promise.all([
  import('../src/core/submitImages'),
  import('../src/core/xhrFetch'),
  import('../src/providers/falWire'),
  import('../src/providers/falUpload'),
  import('../src/providers/falStream'),
  import('../src/react/jobHistory'),
]);

// No real network in tests. jsdom's XMLHttpRequest (which a browser client uploads over, for its progress events)
// would reach real hosts: it may reach only this machine (a loopback simulator); give the client `fetch: sim.fetch`.
const XHR = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
if (XHR) {
  const open = XHR.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
  XHR.prototype.open = function guardedOpen(this: XMLHttpRequest, ...args: unknown[]) {
    const url = new URL(String(args[1]), globalThis.location?.href);
    if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(
        `a test opened an XMLHttpRequest to ${url.origin}: no real network in tests (give the client fetch: sim.fetch)`,
      );
    }
    open.apply(this, args);
  } as typeof XHR.prototype.open;
}

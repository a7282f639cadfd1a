import '@testing-library/jest-dom/vitest';

// What the library loads with import() when first used (the client's input image code, the XMLHttpRequest fetch of
// uploads, fal's status stream reader): loaded here first, so a test on fake timers never waits on real module
// loading, however busy the machine.
await Promise.all([
  import('../src/core/submitImages'),
  import('../src/core/xhrFetch'),
  import('../src/providers/falStream'),
]);

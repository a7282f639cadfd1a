import '@testing-library/jest-dom/vitest';

// The client loads its image code (and the XMLHttpRequest fetch of uploads) with the first input image, through
// import(): loaded here first, so a test on fake timers never waits on real module loading, however busy the machine.
await Promise.all([import('../src/core/submitImages'), import('../src/core/xhrFetch')]);

// @vitest-environment jsdom
// test/setup.ts keeps jsdom's XMLHttpRequest (which a browser client uploads over) off the real network.
describe('the test setup', () => {
  it('refuses an XMLHttpRequest to a real host, and lets one to this machine open', () => {
    const xhr = new XMLHttpRequest();
    expect(() => xhr.open('PUT', 'https://v3.fal.media/files/upload')).toThrow(/no real network in tests/);
    expect(() => new XMLHttpRequest().open('GET', 'http://127.0.0.1:9/sim-uploads/x')).not.toThrow();
  });
});

// SSRF and path traversal through the proxy: every target the browser names is checked against the allow-list of
// hosts, paths and methods before anything leaves the server. Each encoding below was tried as an attack.
import { createProxyHandler } from '../../src/server/createProxyHandler';

const env = { FAL_KEY: 'fal-secret-key-123:abc', OPENAI_API_KEY: 'sk-openai-secret', KLING_API_KEY: 'kling-token' };

const seen: string[] = [];
const proxy = createProxyHandler({
  providers: ['fal', 'openai', 'kling'],
  env,
  fetch: (async (input: RequestInfo | URL) => {
    seen.push(String(input));
    return Response.json({ ok: true });
  }) as typeof fetch,
});
beforeEach(() => seen.splice(0));

function proxyRequest(target: string, init: RequestInit & { header?: string } = {}): Request {
  const { header = 'x-video-jobs-target-url', ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set(header, target);
  return new Request('https://app.example/api/video/proxy', { method: 'GET', ...rest, headers });
}

describe('SSRF: targets off the allow-list', () => {
  it.each([
    ['another host', 'https://evil.example/fal-ai/veo3'],
    ['a look-alike host', 'https://queue.fal.run.evil.example/fal-ai/veo3'],
    ['a look-alike prefix', 'https://evilqueue.fal.run/fal-ai/veo3'],
    ['credentials smuggling another host', 'https://queue.fal.run@evil.example/fal-ai/veo3'],
    ['encoded credentials', 'https://queue.fal.run%40evil.example/fal-ai/veo3'],
    ['http: to an allowed host', 'http://queue.fal.run/fal-ai/veo3'],
    ['another port', 'https://queue.fal.run:8443/fal-ai/veo3'],
    ['a trailing-dot host', 'https://queue.fal.run./fal-ai/veo3'],
    ['an upper-case look-alike', 'https://QUEUE.FAL.RUN.evil.example/fal-ai/veo3'],
    ['a punycode look-alike', 'https://xn--queu-8na.fal.run/fal-ai/veo3'],
    ['loopback IPv4', 'https://127.0.0.1/fal-ai/veo3'],
    ['a short loopback', 'https://127.1/fal-ai/veo3'],
    ['the zero address', 'https://0.0.0.0/fal-ai/veo3'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['the metadata address in decimal', 'http://2852039166/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/fal-ai/veo3'],
    ['loopback IPv6', 'https://[::1]/fal-ai/veo3'],
    ['IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/x/y'],
    ['hex IPv4', 'https://0x7f.0.0.1/fal-ai/veo3'],
    ['octal IPv4', 'https://0177.0.0.1/fal-ai/veo3'],
    ['decimal IPv4', 'https://2130706433/fal-ai/veo3'],
    ['localhost', 'https://localhost/fal-ai/veo3'],
    ['a localhost subdomain', 'https://queue.fal.run.localhost/fal-ai/veo3'],
    ['an internal name', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['an mDNS name', 'https://printer.local/fal-ai/veo3'],
    ['a file URL', 'file:///etc/passwd'],
    ['a gopher URL', 'gopher://queue.fal.run/_fal-ai'],
    ['a data URL', 'data:text/plain,hello'],
    ['a relative URL', '/api/internal'],
    ['a protocol-relative URL', '//evil.example/fal-ai/veo3'],
    ['a space in the target', 'https://queue.fal.run/fal-ai/veo3 HTTP/1.1'],
    ['a tab in the host', 'https://queue.fal.run\t.evil.example/fal-ai/veo3'],
  ])('refuses %s (403/400) without calling out', async (_what, target) => {
    const response = await proxy(proxyRequest(target, { method: 'POST', body: '{}' }));
    expect([400, 403]).toContain(response.status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden_target');
    expect(seen).toHaveLength(0);
  });
});

describe('SSRF: targets in the query (the <video> media route), where any character can be sent', () => {
  it.each([
    ['a unicode dot look-alike', 'https://api\u3002openai\u3002com.evil.example/v1/videos/v1/content'],
    ['a newline', 'https://api.openai.com/v1/videos/v1/content\r\nHost: evil.example'],
    ['a NUL', 'https://api.openai.com\u0000.evil.example/v1/videos/v1/content'],
    ['another host', 'https://evil.example/v1/videos/v1/content'],
  ])('refuses %s without calling out', async (_what, target) => {
    const response = await proxy(
      new Request(`https://app.example/api/video/proxy?x-video-jobs-target-url=${encodeURIComponent(target)}`),
    );
    expect([400, 403]).toContain(response.status);
    expect(seen).toHaveLength(0);
  });
});

describe('path traversal onto an allowed path', () => {
  // Each of these would normalise to the allowed submit path `/fal-ai/veo3`: only the traversal check stops them.
  it.each([
    ['a dot-dot segment', 'https://queue.fal.run/admin/../fal-ai/veo3'],
    ['a dot segment', 'https://queue.fal.run/fal-ai/./veo3'],
    ['an encoded dot-dot', 'https://queue.fal.run/admin/%2e%2e/fal-ai/veo3'],
    ['a half-encoded dot-dot', 'https://queue.fal.run/admin/.%2E/fal-ai/veo3'],
    ['a double-encoded dot-dot', 'https://queue.fal.run/admin/%252e%252e/fal-ai/veo3'],
    ['an encoded slash', 'https://queue.fal.run/fal-ai%2fveo3/x'],
    ['an encoded backslash', 'https://queue.fal.run/admin%5c..%5cfal-ai/veo3'],
    ['an encoded NUL', 'https://queue.fal.run/fal-ai/veo3%00.json'],
    ['a trailing dot-dot', 'https://queue.fal.run/fal-ai/veo3/x/..'],
  ])('refuses %s in the path', async (_what, target) => {
    const response = await proxy(proxyRequest(target, { method: 'POST', body: '{}' }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /segments|encoded|backslash/,
    );
    expect(seen).toHaveLength(0);
  });

  it('refuses a backslash anywhere in the target', async () => {
    const response = await proxy(
      proxyRequest('https://queue.fal.run/admin\\..\\fal-ai/veo3', { method: 'POST', body: '{}' }),
    );
    expect(response.status).toBe(403);
    expect(seen).toHaveLength(0);
  });
});

// Attacks on the proxy's key: an upstream (or whatever answers in its place) echoes the key it was sent in every
// place and encoding an answer can carry. Nothing that leaves the proxy may spell it.
import { createProxyHandler } from '../../src/server/createProxyHandler';

// Characters that change under JSON, URL and base64 encodings.
const KEY = 'k3y-Secret/Value+With:Chars_0123456789';
const SECRET_PART = 'Chars_0123456789';
const env = { FAL_KEY: KEY };

const b64 = (text: string) => btoa(text);
const echoes: Array<[string, string]> = [
  ['raw', KEY],
  ['JSON-escaped slash', KEY.replace(/\//g, '\\/')],
  ['percent-encoded', encodeURIComponent(KEY)],
  ['percent-encoded, lower-case hex', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
  ['base64 of the auth header', b64(`Authorization: Key ${KEY}`)],
  ['base64, shifted by one byte', b64(`x${KEY}`)],
  ['base64, shifted by two bytes', b64(`xy${KEY}`)],
  ['base64url', b64(`Key ${KEY}`).replace(/\+/g, '-').replace(/\//g, '_')],
  ['the secret part alone', `token=${SECRET_PART}`],
];

function proxyWith(respond: () => Response) {
  return createProxyHandler({ providers: ['fal'], env, fetch: (async () => respond()) as typeof fetch });
}

function get(proxy: (request: Request) => Promise<Response>, target: string) {
  return proxy(new Request('https://app.example/api/video/proxy', { headers: { 'x-fal-target-url': target } }));
}

const STATUS = 'https://queue.fal.run/fal-ai/veo3/requests/r1/status';
const STREAM = 'https://queue.fal.run/fal-ai/veo3/requests/r1/status/stream';

async function everything(response: Response): Promise<string> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
  return `${response.status} ${response.statusText}\n${headers.join('\n')}\n\n${await response.text()}`;
}

function expectNoKey(text: string) {
  expect(text).not.toContain(KEY);
  for (const [, echo] of echoes) expect(text).not.toContain(echo);
  expect(text.toLowerCase()).not.toContain(SECRET_PART.toLowerCase());
}

describe('key leaks through the proxy', () => {
  it('never forwards the upstream status text, which could quote the key', async () => {
    const proxy = proxyWith(() => new Response('{}', { status: 401, statusText: `bad key ${KEY}` }));
    const response = await get(proxy, STATUS);
    expect(response.status).toBe(401);
    expect(response.statusText).not.toContain(KEY);
    expect(response.statusText).toBe('');
  });

  const types = ['application/json', 'text/plain', 'application/xml', 'text/html', 'application/octet-stream', ''];
  for (const type of types) {
    it.each(echoes)(`masks the key echoed in a ${type || 'untyped'} body: %s`, async (_what, echo) => {
      const proxy = proxyWith(
        () =>
          new Response(`{"detail":"invalid credentials: ${echo}"}`, {
            status: 401,
            headers: type ? { 'content-type': type } : {},
          }),
      );
      expectNoKey(await everything(await get(proxy, STATUS)));
    });
  }

  it.each(echoes)('masks the key in an event stream, even split across chunks: %s', async (_what, echo) => {
    const text = `data: {"status":"IN_QUEUE","echo":"${echo}"}\n\n`;
    const cut = text.indexOf(echo) + Math.floor(echo.length / 2);
    const proxy = proxyWith(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(text.slice(0, cut)));
              controller.enqueue(new TextEncoder().encode(text.slice(cut)));
              controller.close();
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    const body = await everything(await get(proxy, STREAM));
    expectNoKey(body);
    expect(body).toContain('IN_QUEUE');
  });

  it.each(echoes)('masks the key in every header, Link included: %s', async (_what, echo) => {
    const proxy = proxyWith(() =>
      Response.json(
        { status: 'IN_QUEUE' },
        { headers: { link: `<https://queue.fal.run/next?auth=${echo}>; rel="next"`, 'x-debug': echo } },
      ),
    );
    expectNoKey(await everything(await get(proxy, STATUS)));
  });

  it('withholds a JSON answer that still spells the key after masking (unicode escapes)', async () => {
    const escaped = [...KEY].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const proxy = proxyWith(
      () => new Response(`{"detail":"${escaped}"}`, { status: 401, headers: { 'content-type': 'application/json' } }),
    );
    const response = await get(proxy, STATUS);
    expect(response.status).toBe(502);
    expectNoKey(await everything(response));
  });

  it("strips the upstream's CORS, Alt-Svc and WWW-Authenticate headers", async () => {
    const proxy = proxyWith(() =>
      Response.json(
        { detail: 'nope' },
        {
          status: 401,
          headers: {
            'access-control-allow-origin': '*',
            'access-control-allow-credentials': 'true',
            'access-control-allow-headers': 'authorization',
            'alt-svc': 'h3=":443"',
            'www-authenticate': 'Key realm="fal"',
            'retry-after': '3',
          },
        },
      ),
    );
    const response = await get(proxy, STATUS);
    for (const name of [
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'access-control-allow-headers',
      'alt-svc',
      'www-authenticate',
    ])
      expect(response.headers.get(name), name).toBeNull();
    expect(response.headers.get('retry-after')).toBe('3');
  });
});

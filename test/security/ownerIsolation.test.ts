// Attacks on owner isolation: a missing identity never skips the owner checks, an owner is never reassigned, and the
// events stream denies by default.
import { createSnapshot } from '../../src/core/jobSnapshot';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createProxyHandler } from '../../src/server/createProxyHandler';
import { createMemoryJobEventBus } from '../../src/server/jobEventBus';
import { createMemoryOwnerStore } from '../../src/server/ownerStore';

const FAL_KEY = 'fal-secret-key-123:abc';
const submitUrl = 'https://queue.fal.run/fal-ai/veo3';
const statusUrl = (id: string) => `https://queue.fal.run/fal-ai/veo3/requests/${id}/status`;

function call(proxy: (request: Request) => Promise<Response>, target: string, user?: string, method = 'GET') {
  const headers = new Headers({ 'x-fal-target-url': target, 'content-type': 'application/json' });
  if (user !== undefined) headers.set('x-user', user);
  return proxy(
    new Request('https://app.example/api/video/proxy', {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify({ prompt: 'a cat' }) } : {}),
    }),
  );
}

describe('owner isolation: an empty or missing ownerId', () => {
  // The app's hook reads `session.user?.id`: with no user it returns `{ ownerId: undefined }` or `''`.
  const cases: Array<[string, () => { ownerId?: string }]> = [
    ['undefined', () => ({ ownerId: undefined })],
    ['missing', () => ({})],
    ['empty', () => ({ ownerId: '' })],
    ['blank', () => ({ ownerId: '  ' })],
  ];

  it.each(cases)('is refused by the proxy (%s), naming authorize, with no upstream request', async (_, result) => {
    const upstream = vi.fn(async () => Response.json({ request_id: 'r1' }));
    const owners = createMemoryOwnerStore();
    await owners.set('fal:victim-job', 'alice');
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: upstream as unknown as typeof fetch,
      owners,
      authorize: result,
    });
    for (const [target, method] of [
      [statusUrl('victim-job'), 'GET'],
      [submitUrl, 'POST'],
    ] as const) {
      const response = await call(proxy, target, undefined, method);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toContain('authorize');
    }
    expect(upstream).not.toHaveBeenCalled();
  });

  it.each(cases)('is refused by the events stream (%s)', async (_, result) => {
    const bus = createMemoryJobEventBus();
    const owners = createMemoryOwnerStore();
    await owners.set('fal:victim-job', 'alice');
    const events = createJobEventsHandler({ bus, owners, authorize: result });
    const response = await events(new Request('https://app.example/api/video/events?provider=fal&id=victim-job'));
    expect(response.status).toBe(401);
  });
});

describe('owner isolation: an owner is never reassigned', () => {
  it("keeps alice's job when mallory's submit answer names the same job id", async () => {
    // A provider (or a replayed answer) hands out an id that already belongs to someone else.
    const upstream = vi.fn(async () => Response.json({ request_id: 'same-id', status_url: statusUrl('same-id') }));
    const owners = createMemoryOwnerStore();
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: upstream as unknown as typeof fetch,
      owners,
      authorize: (request) => ({ ownerId: request.headers.get('x-user') ?? undefined }),
    });
    expect((await call(proxy, submitUrl, 'alice', 'POST')).status).toBe(200);
    expect((await call(proxy, submitUrl, 'mallory', 'POST')).status).toBe(200);
    expect(await owners.get('fal:same-id')).toBe('alice');
    expect((await call(proxy, statusUrl('same-id'), 'mallory')).status).toBe(404);
    expect((await call(proxy, statusUrl('same-id'), 'alice')).status).toBe(200);
  });

  it('the memory store itself keeps the first owner', async () => {
    const owners = createMemoryOwnerStore();
    await owners.set('fal:j', 'alice');
    await owners.set('fal:j', 'mallory');
    expect(await owners.get('fal:j')).toBe('alice');
  });
});

describe('owner isolation: the events stream denies by default', () => {
  const bus = createMemoryJobEventBus();
  const url = 'https://app.example/api/video/events?provider=fal&id=someone-elses-job';

  it('refuses every stream when no owner store is given (403 naming owners)', async () => {
    await bus.publish(
      createSnapshot({ ref: { provider: 'fal', id: 'someone-elses-job', model: 'm' }, status: 'running' }, 1),
    );
    const response = await createJobEventsHandler({ bus })(new Request(url));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('owners: false');
  });

  it('refuses a request without an owner id when owners are checked', async () => {
    const response = await createJobEventsHandler({ bus, owners: createMemoryOwnerStore() })(new Request(url));
    expect(response.status).toBe(401);
  });

  it('streams any job only when the app opts out with owners: false', async () => {
    const response = await createJobEventsHandler({ bus, owners: false })(new Request(url));
    expect(response.status).toBe(200);
    await response.body!.cancel();
  });
});

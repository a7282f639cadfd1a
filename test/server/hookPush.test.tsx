// @vitest-environment jsdom
// A rendered useVideoGeneration on a client created with `events`: the job reaches `completed` from the app's job
// event stream (fed by the webhook handler's bus) with zero status polls; when the stream drops, polling resumes.
import { fireEvent, screen } from '@testing-library/react';
import { pushEvents } from '../../src/core/clientPush';
import { createSnapshot } from '../../src/core/jobSnapshot';
import { useVideoGeneration } from '../../src/react/useVideoGeneration';
import { advance, createHarness, MODEL } from '../../src/react/__tests__/harness';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createMemoryJobEventBus, type JobEventBus } from '../../src/server/jobEventBus';

function eventsRoute(bus: JobEventBus) {
  const handler = createJobEventsHandler({ bus, owners: false, retryMs: 1000 });
  const streams: AbortController[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const controller = new AbortController();
    init?.signal?.addEventListener('abort', () => controller.abort());
    streams.push(controller);
    return handler(new Request(String(input), { ...init, signal: controller.signal }));
  }) as typeof fetch;
  return { fetch: fetchFn, drop: () => streams.splice(0).forEach((controller) => controller.abort()) };
}

function Generator() {
  const result = useVideoGeneration({ provider: 'fal', model: MODEL });
  return (
    <div>
      <button onClick={() => result.generate({ prompt: 'a red fox in snow' })}>generate</button>
      <output data-testid="status">{result.status}</output>
      <output data-testid="url">{result.videoUrl ?? ''}</output>
    </div>
  );
}

const status = () => screen.getByTestId('status').textContent;

/** What the webhook handler publishes when the provider calls back about the job. */
async function callback(bus: JobEventBus, id: string, state: 'running' | 'completed') {
  const ref = { provider: 'fal', id, model: '' };
  await bus.publish(
    state === 'completed'
      ? createSnapshot({ ref, status: 'completed', video: { url: 'https://cdn.example/fox.mp4' } })
      : createSnapshot({ ref, status: 'running' }),
  );
}

describe('useVideoGeneration with push updates', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const bus = createMemoryJobEventBus();
    const route = eventsRoute(bus);
    const h = createHarness({
      sim: { job: { queueMs: 0, runMs: 3_600_000 } },
      client: { events: pushEvents({ url: 'https://app.test/api/video/events', fetch: route.fetch }) },
    });
    h.mount(<Generator />);
    return { bus, route, h };
  }

  it('reaches completed from the stream with zero status polls', async () => {
    const { bus, h } = setup();
    fireEvent.click(screen.getByText('generate'));
    await advance(0);
    const [job] = h.sim.jobs();
    expect(h.client.push!.isHealthy({ provider: 'fal', id: job!.id })).toBe(true);
    await advance(10_000);
    await callback(bus, job!.id, 'running');
    await advance(0);
    expect(status()).toBe('running');
    await advance(30_000);
    await callback(bus, job!.id, 'completed');
    await advance(0);
    expect(status()).toBe('completed');
    expect(screen.getByTestId('url').textContent).toBe('https://cdn.example/fox.mp4');
    expect(h.statusRequests()).toBe(0);
    expect(h.submitRequests()).toBe(1);
  });

  it('polls again when the stream drops, and still ends completed', async () => {
    const { route, h } = setup();
    fireEvent.click(screen.getByText('generate'));
    await advance(5000);
    expect(h.statusRequests()).toBe(0);
    route.drop();
    const [job] = h.sim.jobs();
    h.sim.complete(job!.id);
    // No callback reaches the stream: the poll schedule, back in charge, finds the finished job.
    await advance(15_000);
    expect(status()).toBe('completed');
    expect(h.statusRequests()).toBeGreaterThanOrEqual(1);
  });
});

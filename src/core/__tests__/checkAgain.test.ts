import { createVideoClient } from '../createVideoClient';
import { GenerationObserver } from '../generationObserver';
import { createFakeProvider } from './fakeProvider';

vi.mock('react', () => ({}));

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 23, 12, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(cancel: 'unsupported' | 'requested' | 'cancelled') {
  const fake = createFakeProvider({ queueMs: 0, runMs: 60_000, cancel });
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5 });
  const observer = new GenerationObserver(client, { provider: 'fake', model: 'm' });
  observer.subscribe(() => undefined);
  return { fake, client, observer };
}

describe('GenerationObserver: checking a stopped job again', () => {
  it.each(['unsupported', 'requested'] as const)(
    'given a cancel the provider answered %s, checkAgain follows the job again to its real end',
    async (outcome) => {
      const { fake, observer } = setup(outcome);
      void observer.generate({ prompt: 'x' });
      await vi.advanceTimersByTimeAsync(5000);
      await observer.cancel();
      await vi.advanceTimersByTimeAsync(0);
      expect(observer.getSnapshot()).toMatchObject({ status: 'cancelled', job: { cancellation: { remote: outcome } } });
      const polls = fake.count('getStatus');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(fake.count('getStatus')).toBe(polls);
      observer.getSnapshot().checkAgain();
      await vi.advanceTimersByTimeAsync(2000);
      expect(fake.count('getStatus')).toBeGreaterThan(polls);
      expect(observer.getSnapshot().status).toBe('running');
      await vi.advanceTimersByTimeAsync(70_000);
      expect(observer.getSnapshot()).toMatchObject({ status: 'completed', isCompleted: true });
    },
  );

  it('given resume with the ref of a job stopped locally, it follows it again too', async () => {
    const { observer } = setup('unsupported');
    void observer.generate({ prompt: 'x' });
    await vi.advanceTimersByTimeAsync(5000);
    await observer.cancel();
    await vi.advanceTimersByTimeAsync(0);
    const ref = observer.getSnapshot().ref!;
    observer.resume(ref);
    await vi.advanceTimersByTimeAsync(70_000);
    expect(observer.getSnapshot().status).toBe('completed');
  });

  it('given a cancel the provider confirmed, checkAgain does nothing: the end stays final', async () => {
    const { fake, observer } = setup('cancelled');
    void observer.generate({ prompt: 'x' });
    await vi.advanceTimersByTimeAsync(5000);
    const final = await observer.cancel();
    await vi.advanceTimersByTimeAsync(0);
    const polls = fake.count('getStatus');
    observer.getSnapshot().checkAgain();
    observer.resume(final!.ref);
    await vi.advanceTimersByTimeAsync(70_000);
    expect(fake.count('getStatus')).toBe(polls);
    expect(observer.getSnapshot()).toMatchObject({ status: 'cancelled', job: final });
  });
});

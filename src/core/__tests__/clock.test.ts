import { subscribeTick } from '../clock';

describe('subscribeTick', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drives every subscriber of an interval from one timer, in step, and stops it with the last one', () => {
    const a: number[] = [];
    const b: number[] = [];
    const stopA = subscribeTick(1000, (now) => a.push(now));
    vi.advanceTimersByTime(500);
    const stopB = subscribeTick(1000, (now) => b.push(now));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1500);
    // B joined half-way through A's first second: from then on both tick on the same instants.
    expect(a).toHaveLength(2);
    expect(b).toEqual(a);
    stopA();
    expect(vi.getTimerCount()).toBe(1);
    stopB();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one timer per interval', () => {
    const stops = [subscribeTick(1000, () => undefined), subscribeTick(60_000, () => undefined)];
    expect(vi.getTimerCount()).toBe(2);
    stops.forEach((stop) => stop());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes a new timer when the timers were swapped (fake for real) while a subscriber stayed', () => {
    const left = subscribeTick(1000, () => undefined);
    vi.useRealTimers();
    vi.useFakeTimers();
    const seen: number[] = [];
    const stop = subscribeTick(1000, (now) => seen.push(now));
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(1);
    stop();
    left();
  });
});

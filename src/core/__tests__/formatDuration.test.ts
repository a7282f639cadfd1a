import { formatDuration, roundDuration } from '../formatDuration';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5_000, '0 s'],
    [499, '0 s'],
    [42_000, '42 s'],
    [59_600, '1 min'],
    [65_000, '1 min 5 s'],
    [3_600_000, '1 h'],
    [3_780_000, '1 h 3 min'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('roundDuration', () => {
  it('rounds as people round an estimate', () => {
    expect(formatDuration(roundDuration(41_000))).toBe('40 s');
    expect(formatDuration(roundDuration(2_300))).toBe('2 s');
    expect(formatDuration(roundDuration(200))).toBe('1 s');
    expect(formatDuration(roundDuration(13_000))).toBe('15 s');
    expect(formatDuration(roundDuration(65_000))).toBe('1 min');
    expect(formatDuration(roundDuration(100_000))).toBe('1 min 30 s');
    expect(formatDuration(roundDuration(754_000))).toBe('13 min');
    expect(formatDuration(roundDuration(4_000_000))).toBe('1 h 5 min');
  });
});

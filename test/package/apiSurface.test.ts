// The package's public surface, entry by entry, against the committed list in api-surface.txt: adding, removing or
// turning a type into a value (or back) fails here until the list is updated with `npx vitest run
// test/package/apiSurface.test.ts -u`, so every change to what apps and adapter authors can import is deliberate.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRY_SOURCES, formatApiSurface, readApiSurface } from './apiSurface';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const surface = readApiSurface();

describe('public API surface', () => {
  it('matches test/package/api-surface.txt', async () => {
    await expect(formatApiSurface(surface)).toMatchFileSnapshot('./api-surface.txt');
  });

  it('covers every code entry of package.json', () => {
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const codeEntries = Object.entries(exports)
      .filter(([, target]) => typeof target === 'object')
      .map(([entry]) => entry);
    expect(Object.keys(ENTRY_SOURCES).sort()).toEqual(codeEntries.sort());
  });

  it('keeps internals out of the root entry', () => {
    const root = new Set(surface.filter((item) => item.entry === '.').map((item) => item.name));
    const internals = [
      'createTransport',
      'parseRetryAfter',
      'nextPollDelay',
      'resolvePollingOptions',
      'DEFAULT_POLLING_OPTIONS',
      'PollHistory',
      'ScheduleState',
      'isSameSnapshot',
      'FAL_QUEUE_URL',
      'formatDuration',
      'safeMediaUrl',
      'subscribeJobEvents',
      'JobEventSourceOptions',
      'JobEventSubscription',
    ];
    expect(internals.filter((name) => root.has(name))).toEqual([]);
  });

  it('gives adapter authors what they build with, and apps none of it they do not need', () => {
    const adapter = new Map(surface.filter((item) => item.entry === './adapter').map((item) => [item.name, item.kind]));
    expect(adapter.get('defineProvider')).toBe('function');
    expect(adapter.get('createSnapshot')).toBe('function');
    expect(adapter.get('UNCHANGED')).toBe('const');
    for (const name of [
      'ProviderContext',
      'SubmitRequest',
      'StatusRequest',
      'VideoJobErrorInit',
      'ProviderDefinition',
    ]) {
      expect(adapter.get(name), name).toBe('interface');
    }
    const root = new Set(surface.filter((item) => item.entry === '.').map((item) => item.name));
    expect(
      ['defineProvider', 'createSnapshot', 'UNCHANGED', 'ProviderContext'].filter((name) => root.has(name)),
    ).toEqual([]);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The core is framework-agnostic: if any core module pulled React in, importing it here would throw.
vi.mock('react', () => {
  throw new Error('core must not import react');
});
vi.mock('react-dom', () => {
  throw new Error('core must not import react-dom');
});

const coreDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const coreFiles = readdirSync(coreDir).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));

describe('src/core without React', () => {
  it('has modules to check', () => {
    expect(coreFiles).toEqual(expect.arrayContaining(['createVideoClient.ts', 'schedule.ts', 'transport.ts']));
  });

  it.each(coreFiles)('imports %s with React mocked away', async (file) => {
    const module: Record<string, unknown> = await import(/* @vite-ignore */ join(coreDir, file));
    expect(module).toBeTypeOf('object');
  });

  it.each(coreFiles)('%s imports neither react nor node: modules', (file) => {
    const source = readFileSync(join(coreDir, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
    for (const specifier of specifiers) {
      expect(specifier).not.toMatch(/^(react|react-dom)(\/|$)/);
      expect(specifier).not.toMatch(/^node:/);
      // Only relative imports and zod: the core ships nothing else.
      expect(specifier).toMatch(/^(\.\/|\.\.\/|zod(\/mini)?$)/);
    }
  });

  it('runs a job end to end with React mocked away', async () => {
    vi.useFakeTimers();
    try {
      const { createVideoClient } = await import('../createVideoClient');
      const { createFakeProvider } = await import('./fakeProvider');
      const fake = createFakeProvider({ queueMs: 500, runMs: 3000 });
      const client = createVideoClient({ providers: { fake: fake.adapter } });
      const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
      const waiting = client.wait(first.ref);
      await vi.advanceTimersByTimeAsync(20_000);
      expect((await waiting).status).toBe('completed');
    } finally {
      vi.useRealTimers();
    }
  });
});

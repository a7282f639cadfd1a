import { lazyModule } from '../lazyModule';

describe('lazyModule', () => {
  it('imports once, then holds the module for use without another turn', async () => {
    let imports = 0;
    const code = lazyModule(() => {
      imports += 1;
      return Promise.resolve({ name: 'chunk' });
    });
    expect(code.loaded).toBeUndefined();
    const [first, second] = await Promise.all([code.load(), code.load()]);
    expect(first).toBe(second);
    expect(code.loaded).toBe(first);
    await code.load();
    expect(imports).toBe(1);
  });

  it('passes a failed load on and tries again with the next call', async () => {
    let attempt = 0;
    const code = lazyModule(() => {
      attempt += 1;
      return attempt === 1
        ? Promise.reject(new Error('Failed to fetch dynamically imported module'))
        : Promise.resolve({ attempt });
    });
    await expect(code.load()).rejects.toThrow(/dynamically imported/);
    expect(code.loaded).toBeUndefined();
    await expect(code.load()).resolves.toEqual({ attempt: 2 });
    expect(code.loaded).toEqual({ attempt: 2 });
  });
});

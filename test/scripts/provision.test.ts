// `npm test` provisions its own system packages: a fresh machine needs no step that lives only in `.ci/run`.
// @ts-expect-error -- a plain ES module script without types
import { installCommand, missingPackages, provision } from '../../scripts/provision.mjs';

const present = { sh: ['/bin/sh'] };
const absent = { chromium: ['/nonexistent/chromium'], 'redis-server': ['/nonexistent/redis-server'] };

interface ProvisionResult {
  ok: boolean;
  message?: string;
  installed?: string[];
}

describe('npm test provisioning', () => {
  it('does nothing when every package is there', () => {
    const run = vi.fn(() => 0);
    const result = provision({ packages: present, isRoot: true, run, log: () => {} }) as ProvisionResult;
    expect(result).toEqual({ ok: true, installed: [] });
    expect(run).not.toHaveBeenCalled();
  });

  it('names the missing packages', () => {
    expect(missingPackages({ ...present, ...absent })).toEqual(['chromium', 'redis-server']);
  });

  it('installs the missing packages as root with apt-get, non-interactively', () => {
    const calls: string[][] = [];
    const run = (command: string, args: string[]) => {
      calls.push([command, ...args]);
      return 0;
    };
    const result = provision({ packages: absent, isRoot: true, run, log: () => {} }) as ProvisionResult;
    expect(calls).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-upgrade', 'chromium', 'redis-server'],
    ]);
    // The fake apt-get installed nothing, so the check after it still fails and says what to run.
    expect(result.ok).toBe(false);
    expect(result.message).toContain(installCommand(['chromium', 'redis-server']));
  });

  it('uses password-less sudo when not root', () => {
    const calls: string[][] = [];
    provision({
      packages: absent,
      isRoot: false,
      sudo: () => true,
      run: (command: string, args: string[]) => (calls.push([command, ...args]), 0),
      log: () => {},
    });
    expect(calls[0]).toEqual(['sudo', '-n', 'apt-get', 'update']);
  });

  it('stops at once with the exact command when it cannot install', () => {
    const run = vi.fn(() => 0);
    const result = provision({ packages: absent, isRoot: false, sudo: () => false, run }) as ProvisionResult;
    expect(run).not.toHaveBeenCalled();
    expect(result.ok).toBe(false);
    expect(result.message).toContain('sudo apt-get update && sudo apt-get install -y chromium redis-server');
  });

  it('stops with the command when apt-get fails', () => {
    const result = provision({ packages: absent, isRoot: true, run: () => 100, log: () => {} }) as ProvisionResult;
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/apt-get update` failed[\s\S]*apt-get install -y chromium redis-server/);
  });
});

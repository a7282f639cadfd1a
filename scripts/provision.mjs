// The system packages `npm test` needs, from Debian: chromium (browser tests, axe) and redis-server (the Redis bus
// and stores are tested against a real server). When one is missing, this installs it if it can (root, or
// password-less sudo) and otherwise stops at once with the exact command to run. `npm test` and `.ci/run` both go
// through here, so a fresh machine needs nothing installed by hand.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package -> the binaries that show it is there (any one of them). */
export const SYSTEM_PACKAGES = {
  chromium: ['/usr/bin/chromium'],
  'redis-server': ['/usr/bin/redis-server', '/usr/local/bin/redis-server'],
};

/** The packages whose binaries are missing. */
export function missingPackages(packages = SYSTEM_PACKAGES) {
  return Object.entries(packages)
    .filter(([, binaries]) => !binaries.some((path) => existsSync(path)))
    .map(([name]) => name);
}

/** The command a person runs to install `missing`. */
export function installCommand(missing) {
  return `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`;
}

function canSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure every system package is installed. Returns `{ ok: true }`, or `{ ok: false, message }` naming the
 * command to run. `run` is injectable for tests.
 */
export function provision({
  packages = SYSTEM_PACKAGES,
  isRoot = process.getuid?.() === 0,
  sudo = canSudo,
  run = (command, args) =>
    spawnSync(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status,
  log = console.log,
} = {}) {
  const missing = missingPackages(packages);
  if (missing.length === 0) return { ok: true, installed: [] };
  const prefix = isRoot ? [] : sudo() ? ['sudo', '-n'] : undefined;
  if (!prefix) {
    return {
      ok: false,
      message: `[test] missing Debian packages: ${missing.join(', ')}. Install them, then run npm test again:\n  ${installCommand(missing)}`,
    };
  }
  log(`[test] installing Debian packages: ${missing.join(' ')}`);
  const [command, ...base] = [...prefix, 'apt-get'];
  for (const args of [['update'], ['install', '-y', '--no-upgrade', ...missing]]) {
    if (run(command, [...base, ...args]) !== 0) {
      return {
        ok: false,
        message: `[test] \`apt-get ${args[0]}\` failed. Install the packages by hand, then run npm test again:\n  ${installCommand(missing)}`,
      };
    }
  }
  const still = missingPackages(packages);
  if (still.length > 0)
    return {
      ok: false,
      message: `[test] still missing after apt-get: ${still.join(', ')}:\n  ${installCommand(still)}`,
    };
  return { ok: true, installed: missing };
}

// Starts a throwaway redis-server on 127.0.0.1 at a free port, for tests. There is no skip: when the binary is
// missing the test fails and says how to install it (`npm test` installs the Debian package, see scripts/provision.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const CANDIDATES = [process.env.REDIS_SERVER_BIN, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, or SIGKILL with `{ kill: true }`, as a crash would). */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port (after `stop`), empty. */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = CANDIDATES.find((path): path is string => Boolean(path && existsSync(path)));
  if (!binary) {
    throw new Error(
      'redis-server is not installed: the Redis job event bus is tested against a real server. Install it with `apt-get install -y redis-server` (`npm test` does this, see scripts/provision.mjs) or set REDIS_SERVER_BIN.',
    );
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let child = await spawnOn(binary, port);
    if (child) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: ({ kill = false } = {}) =>
          new Promise<void>((resolve) => {
            const running = child;
            if (!running || running.exitCode !== null) return resolve();
            running.once('exit', () => resolve());
            running.kill(kill ? 'SIGKILL' : 'SIGTERM');
          }),
        async restart() {
          child = await spawnOn(binary, port);
          if (!child) throw new Error(`redis-server did not start again on port ${port}`);
        },
      };
    }
  }
  throw new Error('redis-server did not start on 127.0.0.1 after 3 attempts');
}

async function spawnOn(binary: string, port: number): Promise<ChildProcess | undefined> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (await waitReady(child)) return child;
  child.kill('SIGKILL');
  return undefined;
}

function waitReady(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => finish(false), 10_000);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      resolve(ok);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) finish(true);
    });
    child.once('exit', () => finish(false));
  });
}

import { createJobEvent, eventsAfter, type JobEvent, type JobEventBus } from './jobEventBus';

/**
 * What the bus reads of a client's connection, when the client has it (node-redis does): `isReady` to fail fast
 * while disconnected, and `on('error')` so a dropped connection is reported instead of crashing the process.
 */
export interface RedisConnectionLike {
  readonly isReady?: boolean;
  on?(event: 'error', listener: (error: Error) => void): unknown;
}

/** The commands the bus sends on a regular node-redis (v4+) client. */
export interface RedisPublisherLike extends RedisConnectionLike {
  publish(channel: string, message: string): Promise<unknown>;
  rPush(key: string, element: string): Promise<unknown>;
  lTrim(key: string, start: number, stop: number): Promise<unknown>;
  pExpire(key: string, milliseconds: number): Promise<unknown>;
  lRange(key: string, start: number, stop: number): Promise<unknown>;
}

/** A node-redis client in subscriber mode (`client.duplicate()`: a subscribed connection can send nothing else). */
export interface RedisSubscriberLike extends RedisConnectionLike {
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<unknown>;
}

export interface RedisJobEventBusOptions {
  /** A connected client for commands and `PUBLISH`. */
  publisher: RedisPublisherLike;
  /** A second connected client, used only for `SUBSCRIBE`. */
  subscriber: RedisSubscriberLike;
  /** Prefix of every key and channel. Defaults to `'rvj:'`. */
  prefix?: string;
  /** Events kept per job for resume, in a Redis list. Defaults to `16`. */
  historySize?: number;
  /** How long a job's history outlives its last event. Defaults to `3600000` ms (1 h). */
  historyTtlMs?: number;
  /**
   * How long one Redis command may take before the bus gives up on it. While Redis is unreachable every call fails
   * within this time (at once when the client says it is not ready): a webhook then answers 5xx so the provider
   * retries, and a new event stream answers 503. Defaults to `2000` ms.
   */
  commandTimeoutMs?: number;
  /** Told about connection errors (a drop, a refused reconnect). Defaults to a `console.warn` once per outage. */
  onError?: (error: Error) => void;
}

interface Channel {
  listeners: Set<(event: JobEvent) => void>;
  handler: (message: string) => void;
  ready: Promise<unknown>;
}

/**
 * A job event bus over Redis pub/sub, for apps on several instances or serverless functions, where the webhook
 * lands on one instance and the browser's stream is held by another. Each job has its own channel (an instance
 * subscribes only to jobs it streams) and a short history list, so a stream that reconnects to any instance
 * catches up. Takes your clients, so this package does not depend on `redis`.
 */
export function createRedisJobEventBus(options: RedisJobEventBusOptions): JobEventBus {
  const prefix = options.prefix ?? 'rvj:';
  const timeoutMs = options.commandTimeoutMs ?? 2000;
  let warned = false;
  const onError =
    options.onError ??
    ((error: Error) => {
      if (warned) return;
      warned = true;
      console.warn(
        `[react-video-jobs/server] Redis job event bus: ${error.message}; retrying while the client reconnects`,
      );
    });
  // A node-redis client with no `error` listener crashes the process when the connection drops.
  for (const client of new Set<RedisConnectionLike>([options.publisher, options.subscriber])) {
    client.on?.('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  }
  /** Runs a command, failing at once when the client is not connected and after `timeoutMs` otherwise. */
  function command<T>(client: RedisConnectionLike, run: () => Promise<T>): Promise<T> {
    if (client.isReady === false) return Promise.reject(new RedisUnavailableError('Redis is not connected'));
    warned = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailableError(`Redis did not answer in ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
  }
  const { publisher, subscriber } = options;
  const historySize = options.historySize ?? 16;
  const historyTtlMs = options.historyTtlMs ?? 60 * 60 * 1000;
  const channels = new Map<string, Channel>();
  const channelOf = (key: string) => `${prefix}events:${key}`;
  const historyOf = (key: string) => `${prefix}history:${key}`;

  return {
    async publish(snapshot) {
      const event = createJobEvent(snapshot);
      const message = JSON.stringify(event);
      const history = historyOf(event.key);
      // History first: a stream that subscribes right after the PUBLISH finds the event in its replay.
      await command(publisher, () => publisher.rPush(history, message));
      await command(publisher, () => publisher.lTrim(history, -historySize, -1));
      await command(publisher, () => publisher.pExpire(history, historyTtlMs));
      await command(publisher, () => publisher.publish(channelOf(event.key), message));
      return event;
    },

    async subscribe(key, listener) {
      const name = channelOf(key);
      let channel = channels.get(name);
      if (!channel) {
        const listeners = new Set<(event: JobEvent) => void>();
        const handler = (message: string) => {
          const event = parseEvent(message);
          if (event?.key === key) for (const each of [...listeners]) each(event);
        };
        channel = { listeners, handler, ready: command(subscriber, () => subscriber.subscribe(name, handler)) };
        channels.set(name, channel);
      }
      const entry = (event: JobEvent) => listener(event);
      channel.listeners.add(entry);
      const current = channel;
      try {
        await current.ready;
      } catch (error) {
        current.listeners.delete(entry);
        if (channels.get(name) === current) channels.delete(name);
        throw error;
      }
      return async () => {
        current.listeners.delete(entry);
        if (current.listeners.size > 0 || channels.get(name) !== current) return;
        channels.delete(name);
        // While disconnected the channel is dropped locally; node-redis does not resubscribe it on reconnect then.
        await command(subscriber, () => subscriber.unsubscribe(name, current.handler)).catch(() => undefined);
      };
    },

    async replay(key, lastEventId) {
      const stored = await command(publisher, () => publisher.lRange(historyOf(key), 0, -1));
      const history = (Array.isArray(stored) ? stored : [])
        .map((message) => parseEvent(String(message)))
        .filter((event): event is JobEvent => event !== undefined);
      return eventsAfter(history, lastEventId);
    },

    async close() {
      const open = [...channels.entries()];
      channels.clear();
      await Promise.all(
        open.map(([name, channel]) =>
          command(subscriber, () => subscriber.unsubscribe(name, channel.handler)).catch(() => undefined),
        ),
      );
    },
  };
}

function parseEvent(message: string): JobEvent | undefined {
  try {
    const value = JSON.parse(message) as Partial<JobEvent>;
    if (typeof value.id === 'string' && typeof value.key === 'string' && typeof value.snapshot === 'object') {
      return value as JobEvent;
    }
  } catch {
    // Not ours: another publisher on the same prefix.
  }
  return undefined;
}

/** Thrown by the bus's commands while Redis cannot be reached. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

import { createJobEvent, eventsAfter, type JobEvent, type JobEventBus } from './jobEventBus';

/** The commands the bus sends on a regular node-redis (v4+) client. */
export interface RedisPublisherLike {
  publish(channel: string, message: string): Promise<unknown>;
  rPush(key: string, element: string): Promise<unknown>;
  lTrim(key: string, start: number, stop: number): Promise<unknown>;
  pExpire(key: string, milliseconds: number): Promise<unknown>;
  lRange(key: string, start: number, stop: number): Promise<unknown>;
}

/** A node-redis client in subscriber mode (`client.duplicate()`: a subscribed connection can send nothing else). */
export interface RedisSubscriberLike {
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
      await options.publisher.rPush(history, message);
      await options.publisher.lTrim(history, -historySize, -1);
      await options.publisher.pExpire(history, historyTtlMs);
      await options.publisher.publish(channelOf(event.key), message);
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
        channel = { listeners, handler, ready: options.subscriber.subscribe(name, handler) };
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
        await options.subscriber.unsubscribe(name, current.handler);
      };
    },

    async replay(key, lastEventId) {
      const stored = await options.publisher.lRange(historyOf(key), 0, -1);
      const history = (Array.isArray(stored) ? stored : [])
        .map((message) => parseEvent(String(message)))
        .filter((event): event is JobEvent => event !== undefined);
      return eventsAfter(history, lastEventId);
    },

    async close() {
      const open = [...channels.entries()];
      channels.clear();
      await Promise.all(open.map(([name, channel]) => options.subscriber.unsubscribe(name, channel.handler)));
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

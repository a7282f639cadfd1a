/** How the tabs of one app tell each other that a job history changed. */
export interface HistorySync {
  /** Calls `onChange` whenever another tab (or another store in this one) changed the history under `key`. */
  connect(key: string, onChange: () => void): HistorySyncConnection;
}

export interface HistorySyncConnection {
  /** Tells the others that this store just wrote the history. */
  notify(): void;
  close(): void;
}

const CHANNEL = 'react-video-jobs:history';

/**
 * The browser's way: a `BroadcastChannel` where there is one (any storage the tabs share), and the `storage` event
 * (`localStorage` written by another tab, or cleared). Either may fire for one change: the history is read again,
 * which changes nothing the second time. Nothing at all on the server.
 */
export const browserHistorySync: HistorySync = {
  connect(key, onChange) {
    const target = typeof window === 'undefined' ? undefined : window;
    const onStorage = (event: StorageEvent) => {
      if (event.key === key || event.key === null) onChange();
    };
    target?.addEventListener('storage', onStorage);
    let channel: BroadcastChannel | undefined;
    try {
      channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
    } catch {
      channel = undefined;
    }
    const onMessage = (event: MessageEvent<unknown>) => {
      if ((event.data as { key?: unknown } | null)?.key === key) onChange();
    };
    channel?.addEventListener('message', onMessage);
    // Node's channels keep the process alive (tests, server renders that never unmount); a browser's have no unref.
    (channel as { unref?: () => void } | undefined)?.unref?.();
    return {
      notify() {
        try {
          channel?.postMessage({ key });
        } catch {
          // A closed channel: the storage event still tells tabs sharing localStorage.
        }
      },
      close() {
        target?.removeEventListener('storage', onStorage);
        channel?.removeEventListener('message', onMessage);
        channel?.close();
      },
    };
  },
};

'use client';

import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { VideoClient } from '../core/videoClient';
import { defaultJobStorage } from './createJSONStorage';
import type { JobStorage } from './types';
import { createVideoJobsStore, getVideoJobsStore, type VideoJobsStore } from './videoJobsStore';
import { usePushUpdates } from './usePushUpdates';
import { useSnapshotSync } from './useSnapshotSync';

export interface VideoJobsProviderProps {
  /** The client every hook below uses: `createVideoClient({ providers: { fal: fal() } })`. */
  client: VideoClient;
  /**
   * Where `persist` keeps job refs unless a hook names its own storage; `null` turns persistence off.
   * Defaults to `createJSONStorage(() => localStorage)`, looked up on first use in the browser.
   */
  storage?: JobStorage | null;
  children?: ReactNode;
}

/** @internal What the hooks read from `<VideoJobsProvider>`. */
export interface VideoJobsContextValue {
  client: VideoClient;
  store: VideoJobsStore;
  /** The default storage; call only in effects and handlers, never while rendering. */
  storage: () => JobStorage | undefined;
}

/** `localStorage`, looked up once on first use: never while rendering, so never on the server. */
function lazyDefaultStorage(): () => JobStorage | undefined {
  let resolved: { storage: JobStorage | undefined } | undefined;
  return () => (resolved ??= { storage: defaultJobStorage() }).storage;
}

const VideoJobsContext = createContext<VideoJobsContextValue | null>(null);
VideoJobsContext.displayName = 'VideoJobsContext';

/**
 * Hands a `VideoClient` to the hooks below it. Place it inside your `<QueryClientProvider>`: job status
 * lives in the React Query cache, so many components following one job share one query.
 */
export function VideoJobsProvider({ client, storage, children }: VideoJobsProviderProps) {
  // The store lives on the client; a frozen client cannot keep it, so this mount does (a remount starts afresh).
  const store = useMemo(() => getVideoJobsStore(client) ?? createVideoJobsStore(client), [client]);
  const value = useMemo<VideoJobsContextValue>(
    () => ({ client, store, storage: storage === undefined ? lazyDefaultStorage() : () => storage ?? undefined }),
    [client, store, storage],
  );
  // Jobs followed outside the hooks (`client.wait`, another hook's client calls) show up in `useVideoJobs`.
  useEffect(() => store.connect(), [store]);
  // A client created with `events`: pushed snapshots go straight into the job queries.
  usePushUpdates(client);
  // Snapshots the client learns outside the queries (a refreshed video URL, a direct cancel) reach them too.
  useSnapshotSync(client);
  return <VideoJobsContext.Provider value={value}>{children}</VideoJobsContext.Provider>;
}

/** @internal The provider's value, or an error that names the missing provider and shows the fix. */
export function useVideoJobsContext(hookName: string): VideoJobsContextValue {
  const value = useContext(VideoJobsContext);
  if (!value) {
    throw new Error(
      `[react-video-jobs] \`${hookName}\` must be used within \`<VideoJobsProvider>\`: wrap your app in ` +
        '`<QueryClientProvider client={queryClient}><VideoJobsProvider client={createVideoClient({ providers })}>' +
        '...</VideoJobsProvider></QueryClientProvider>`.',
    );
  }
  return value;
}

/** The `VideoClient` given to the nearest `<VideoJobsProvider>`, for calling it directly. */
export function useVideoClient(): VideoClient {
  return useVideoJobsContext('useVideoClient').client;
}

/**
 * The `VideoClient` of the nearest `<VideoJobsProvider>`, or `undefined` outside one (never throws): for components
 * that work on their own and do more inside a provider, like `<VideoPlayer>` refreshing expired URLs.
 */
export function useOptionalVideoClient(): VideoClient | undefined {
  return useContext(VideoJobsContext)?.client;
}

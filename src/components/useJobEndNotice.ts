'use client';

import { useEffect, useRef, useState } from 'react';
import { isTerminalStatus } from '../core/jobStatus';
import type { TrackedJob } from '../react/types';
import { useVideoJobs } from '../react/useVideoJobs';

export interface UseJobEndNoticeOptions {
  /** `false` turns every notice off (a setting people can change, say) and restores the title. Defaults to `true`. */
  enabled?: boolean;
  /**
   * While the tab is hidden, the document title starts with the number of jobs that ended meanwhile ("(2) Studio"),
   * until the tab is shown again. Defaults to `true`.
   */
  title?: boolean;
  /**
   * A system notification for each job that ends while the tab is hidden, once people have allowed them (ask with
   * `requestJobNotifications()` from a click; this hook never asks). Defaults to `true`.
   */
  notification?: boolean;
  /** The notification's words. Defaults to "Your video is ready" / "Video generation failed" / "… cancelled". */
  message?: (job: TrackedJob) => { title: string; body?: string };
}

const defaultMessage = (entry: TrackedJob): { title: string; body?: string } => {
  const status = entry.job?.status;
  const title =
    status === 'completed'
      ? 'Your video is ready'
      : status === 'failed'
        ? 'Video generation failed'
        : 'Video generation cancelled';
  return { title, body: entry.ref.model };
};

/**
 * Tells people about jobs that end while they look at another tab: a count in the document title and, where they
 * allowed it, a system notification. Only jobs that end while this hook is mounted count; nothing happens
 * while the tab is visible. Use it once, inside `<VideoJobsProvider>`.
 */
export function useJobEndNotice(options: UseJobEndNoticeOptions = {}): void {
  const { enabled = true, title = true, notification = true, message = defaultMessage } = options;
  const { jobs } = useVideoJobs({ recentMs: Number.POSITIVE_INFINITY });
  const [mountedAt] = useState(() => Date.now());
  const seenActive = useRef(new Set<string>());
  const told = useRef(new Set<string>());
  const badge = useRef<{ count: number; base: string; shown: string } | undefined>(undefined);
  const messageRef = useRef(message);
  useEffect(() => {
    messageRef.current = message;
  });

  useEffect(() => {
    for (const entry of jobs) {
      // A job that ended in another tab (or an earlier visit) is that tab's to tell.
      if (entry.restored) {
        told.current.add(entry.key);
        continue;
      }
      if (!entry.job || !isTerminalStatus(entry.job.status)) {
        seenActive.current.add(entry.key);
        continue;
      }
      // Ended while this hook watched: seen under way, or ended after mounting (one render may skip the active state).
      const endedHere = seenActive.current.has(entry.key) || (entry.finishedAt ?? 0) >= mountedAt;
      if (!endedHere || told.current.has(entry.key)) continue;
      told.current.add(entry.key);
      if (!enabled || typeof document === 'undefined' || document.visibilityState !== 'hidden') continue;
      if (title) {
        const base = badge.current?.base ?? document.title;
        const count = (badge.current?.count ?? 0) + 1;
        const shown = `(${count}) ${base}`;
        document.title = shown;
        badge.current = { count, base, shown };
      }
      if (notification) notify(entry, messageRef.current(entry));
    }
  }, [jobs, enabled, title, notification, mountedAt]);

  // The badge goes when the tab is shown again, when the feature is turned off, and on unmount.
  useEffect(() => {
    if (typeof document === 'undefined') return;
    const clear = () => {
      const current = badge.current;
      if (!current) return;
      badge.current = undefined;
      // The app may have changed the title meanwhile: then only our prefix goes.
      document.title =
        document.title === current.shown ? current.base : document.title.replace(`(${current.count}) `, '');
    };
    if (!enabled || !title) clear();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') clear();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      clear();
    };
  }, [enabled, title]);
}

function notify(entry: TrackedJob, { title, body }: { title: string; body?: string }): void {
  const NotificationClass = globalThis.Notification as typeof Notification | undefined;
  if (!NotificationClass || NotificationClass.permission !== 'granted') return;
  try {
    const shown = new NotificationClass(title, { body, tag: `react-video-jobs:${entry.key}` });
    shown.onclick = () => {
      globalThis.focus?.();
      shown.close();
    };
  } catch {
    // Some mobile browsers allow notifications only from a service worker: the title badge still says it.
  }
}

/**
 * Asks for permission to show notifications, for `useJobEndNotice`. Call it from a click or key handler (browsers
 * ignore or penalise asking without a gesture); it asks only while the answer is still open. Resolves with the
 * permission, or `"unsupported"` where there are no notifications.
 */
export async function requestJobNotifications(): Promise<NotificationPermission | 'unsupported'> {
  const NotificationClass = globalThis.Notification as typeof Notification | undefined;
  if (!NotificationClass || typeof NotificationClass.requestPermission !== 'function') return 'unsupported';
  if (NotificationClass.permission !== 'default') return NotificationClass.permission;
  try {
    return await NotificationClass.requestPermission();
  } catch {
    return NotificationClass.permission;
  }
}

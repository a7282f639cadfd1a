'use client';

import {
  forwardRef,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ComponentPropsWithoutRef,
  type ForwardedRef,
} from 'react';
import { isTerminalStatus } from '../core/jobStatus';
import type { JobStorage, TrackedJob } from '../react/types';
import { useVideoJobs } from '../react/useVideoJobs';
import { useVideoJobsContext } from '../react/VideoJobsProvider';
import { safeMediaUrl } from './safeMediaUrl';
import { useNow } from './useNow';
import { defaultVideoJobGalleryLabels, type VideoJobGalleryLabels } from './videoJobGalleryLabels';
import { VideoPlayer } from './VideoPlayer';
import { visuallyHidden } from './visuallyHidden';

export type VideoJobGalleryElement = HTMLDivElement;

/** A job as the gallery lists it: a tracked job, with the input to run it again when that is known. */
export interface VideoJobGalleryItem extends TrackedJob {
  /**
   * The input to submit the job again with. For the jobs of a `<VideoJobsProvider>` it is `ref.input` (the client
   * keeps it at submit: plain JSON fields, an input image as the URL it was uploaded to; absent when an image went as
   * bytes or a provider file id); with `jobs`, whatever you put here.
   */
  input?: Record<string, unknown>;
}

/** Where and how much of the gallery's history is kept across reloads. */
export interface VideoJobGalleryPersistOptions {
  /** Storage key. Defaults to `"react-video-jobs:history"`. */
  key?: string;
  /**
   * A JSON storage, as `persist` takes one: `createJSONStorage(() => sessionStorage)`. Defaults to the
   * `<VideoJobsProvider storage>` (`localStorage`; `storage={null}` keeps no history).
   */
  storage?: JobStorage<unknown>;
}

export interface VideoJobGalleryProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /**
   * The jobs to list. Defaults to the jobs of the nearest `<VideoJobsProvider>` (`useVideoJobs`: active first,
   * then finished ones), together with the finished jobs kept from earlier visits and other tabs (see `persist`).
   */
  jobs?: readonly VideoJobGalleryItem[];
  /** Lists at most this many jobs, and keeps at most this many finished ones. Defaults to `24`. */
  maxItems?: number;
  /**
   * Keeps the provider's finished jobs (ref with the input to run them again, status, video; never the provider's
   * payload) in storage, so the gallery still shows them after a reload, and in every tab of the app: a job that ends
   * or is removed in one tab shows in the others. Only without `jobs`. Defaults to `true`.
   */
  persist?: boolean | VideoJobGalleryPersistOptions;
  /** Shows Run again on finished jobs; called with the job, and its `input` when known, to submit it again. */
  onRunAgain?: (job: VideoJobGalleryItem) => void;
  /** Called after Remove took the job out of the list (the job itself is not cancelled). */
  onRemove?: (job: VideoJobGalleryItem) => void;
  /** A poster image per job; the video's first frame (`preload="metadata"`) shows where there is none. */
  poster?: (job: VideoJobGalleryItem) => string | undefined;
  /** Overrides for every visible string. */
  labels?: Partial<VideoJobGalleryLabels>;
}

const DEFAULT_MAX_ITEMS = 24;
const DEFAULT_HISTORY_KEY = 'react-video-jobs:history';

/**
 * A history of generated videos: each job with its video (or the frame it will appear in), its status, and Run
 * again, Download, Copy link and Remove. Unstyled: the root carries `data-video-job-gallery`, each item `data-part="item"`
 * and `data-status`.
 */
export const VideoJobGallery = forwardRef<VideoJobGalleryElement, VideoJobGalleryProps>(
  function VideoJobGallery(props, ref) {
    const { jobs, persist, maxItems = DEFAULT_MAX_ITEMS, ...rest } = props;
    if (jobs) return <GalleryList {...rest} items={jobs.slice(0, maxItems)} forwardedRef={ref} />;
    return <TrackedGallery {...rest} persist={persist} maxItems={maxItems} forwardedRef={ref} />;
  },
);

type ListProps = Omit<VideoJobGalleryProps, 'jobs' | 'persist' | 'maxItems'> & {
  forwardedRef: ForwardedRef<VideoJobGalleryElement>;
};

/** The jobs of the nearest `<VideoJobsProvider>`, whose store keeps the history while the gallery is mounted. */
function TrackedGallery({
  persist = true,
  maxItems,
  onRemove,
  ...rest
}: ListProps & { persist?: VideoJobGalleryProps['persist']; maxItems: number }) {
  const { store, storage: providerStorage } = useVideoJobsContext('VideoJobGallery');
  // Every job the store holds, however long ago it ended: with a history kept, the store bounds them by count.
  const { jobs, remove } = useVideoJobs({ recentMs: Number.POSITIVE_INFINITY });
  const options = typeof persist === 'object' ? persist : {};
  const key = options.key ?? DEFAULT_HISTORY_KEY;
  const givenStorage = options.storage;
  const off = persist === false;

  // Storage is looked up and read after mounting only, so a server render and the first client render agree.
  useEffect(() => {
    const storage = off ? undefined : (givenStorage ?? providerStorage());
    if (!storage) return;
    return store.keepHistory({ storage, key, maxJobs: maxItems });
  }, [store, off, givenStorage, providerStorage, key, maxItems]);

  const items = useMemo(
    () =>
      jobs
        .slice(0, maxItems)
        .map((job): VideoJobGalleryItem => (job.ref.input ? { ...job, input: job.ref.input } : job)),
    [jobs, maxItems],
  );

  function handleRemove(item: VideoJobGalleryItem) {
    remove(item.ref);
    onRemove?.(item);
  }

  return <GalleryList {...rest} items={items} onRemove={handleRemove} />;
}

function GalleryList({
  items,
  onRunAgain,
  onRemove,
  poster,
  labels: labelOverrides,
  forwardedRef,
  ...rest
}: ListProps & { items: readonly VideoJobGalleryItem[] }) {
  const labels = { ...defaultVideoJobGalleryLabels, ...labelOverrides };
  // "3 min ago" moves on once a minute.
  const now = useNow(true, 60_000);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const emptyRef = useRef<HTMLParagraphElement>(null);
  // Remove takes its own button away: focus moves to the item that takes its place (or the empty state), not <body>.
  const focusAfterRemove = useRef<number | undefined>(undefined);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const visible = items.filter((item) => !hidden.has(item.key));

  useEffect(() => {
    const index = focusAfterRemove.current;
    if (index === undefined) return;
    focusAfterRemove.current = undefined;
    const rows = listRef.current?.querySelectorAll<HTMLElement>(':scope > [data-part="item"]');
    const target = rows?.[Math.min(index, rows.length - 1)] ?? emptyRef.current;
    target?.focus();
  });

  function handleRemove(item: VideoJobGalleryItem, index: number) {
    focusAfterRemove.current = index;
    // Hidden at once even when the caller keeps passing it in `jobs`; a later list without it makes this moot.
    setHidden((previous) => new Set(previous).add(item.key));
    onRemove?.(item);
  }

  async function handleCopy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setAnnouncement(labels.copied);
    } catch {
      setAnnouncement(labels.copyFailed);
    }
  }

  return (
    <div ref={forwardedRef} data-video-job-gallery="" data-part="root" {...rest}>
      {visible.length === 0 ? (
        <p ref={emptyRef} data-part="empty" tabIndex={-1}>
          {labels.empty}
        </p>
      ) : (
        <ul ref={listRef} data-part="list" aria-label={labels.list}>
          {visible.map((item, index) => (
            <GalleryItem
              key={item.key}
              item={item}
              now={now}
              labels={labels}
              poster={poster}
              onRunAgain={onRunAgain}
              onRemove={() => handleRemove(item, index)}
              onCopy={(url) => void handleCopy(url)}
            />
          ))}
        </ul>
      )}
      <p role="status" data-part="announcer" style={visuallyHidden}>
        {announcement}
      </p>
    </div>
  );
}

interface GalleryItemProps {
  item: VideoJobGalleryItem;
  now: number;
  labels: VideoJobGalleryLabels;
  poster: VideoJobGalleryProps['poster'];
  onRunAgain: VideoJobGalleryProps['onRunAgain'];
  onRemove: () => void;
  onCopy: (url: string) => void;
}

function GalleryItem({ item, now, labels, poster, onRunAgain, onRemove, onCopy }: GalleryItemProps) {
  const id = useId();
  const { job } = item;
  const status = job?.status;
  const ended = status !== undefined && isTerminalStatus(status);
  const title = labels.title(item);
  const url = status === 'completed' ? safeMediaUrl(job?.video?.url) : undefined;
  const at = item.finishedAt ?? job?.createdAt ?? item.since;
  const titleId = `${id}-title`;
  const statusId = `${id}-status`;
  return (
    <li data-part="item" data-status={status ?? 'queued'} aria-labelledby={`${titleId} ${statusId}`} tabIndex={-1}>
      <VideoPlayer
        job={job}
        poster={poster?.(item)}
        aspectRatio={job?.video?.width && job.video.height ? undefined : '16 / 9'}
        labels={{ video: labels.video(title) }}
      />
      <div data-part="info">
        <p data-part="title" id={titleId}>
          {title}
        </p>
        <p data-part="meta">
          <span data-part="status" id={statusId}>
            {labels.status(status, job?.progress)}
          </span>{' '}
          <span data-part="time" suppressHydrationWarning>
            {labels.ago(Math.max(0, now - at))}
          </span>
        </p>
      </div>
      <div data-part="actions">
        {onRunAgain && ended && (
          <button type="button" data-part="run-again" aria-describedby={titleId} onClick={() => onRunAgain(item)}>
            {labels.runAgain}
          </button>
        )}
        {url && (
          <a data-part="download" href={url} download={job?.video?.fileName ?? ''} aria-describedby={titleId}>
            {labels.download}
          </a>
        )}
        {url && (
          <button type="button" data-part="copy" aria-describedby={titleId} onClick={() => onCopy(url)}>
            {labels.copyLink}
          </button>
        )}
        <button type="button" data-part="remove" aria-describedby={titleId} onClick={onRemove}>
          {labels.remove}
        </button>
      </div>
    </li>
  );
}

import { defaultVideoJobProgressLabels } from './videoJobProgressLabels';

/** Every string `<VideoPlayer>` shows. Pass a partial object as `labels` to translate or reword. */
export interface VideoPlayerLabels {
  /** Accessible name of the `<video>`. Defaults to `"Generated video"`. */
  video: string;
  /**
   * No job and no `src`: the same state as `<VideoJobProgress>`'s idle, in the same words. Defaults to `"Not started"`
   * (or to your `empty` when you reworded only that).
   */
  idle: string;
  /** A job that ended without a video (failed, cancelled). Defaults to `"No video yet"`. */
  empty: string;
  /** In the skeleton frame while the job is under way. Defaults to `"Your video will appear here"`. */
  waiting: string;
  /** Over the waiting frame while the input image uploads (`status` prop). Defaults to `"Uploading…"`. */
  uploading: string;
  /** Over the waiting frame while the job is submitted (`status` prop). Defaults to `"Submitting…"`. */
  submitting: string;
  /** Over the waiting frame while queued; `position` is 1-based. Defaults to `"In queue – position 3"` / `"In queue"`. */
  queued: (position: number | undefined) => string;
  /** Over the waiting frame while running; `percent` is 0..100, whole. Defaults to `"Generating – 42 %"` / `"Generating…"`. */
  running: (percent: number | undefined) => string;
  /** Until the video can play. Defaults to `"Loading video…"`. */
  loading: string;
  /** While a fresh signed URL is fetched. Defaults to `"Refreshing the video link…"`. */
  refreshing: string;
  /** The video could not be loaded, even with a fresh URL. */
  loadFailed: string;
  /** The URL is not `https:`, `http:` or `blob:`; the URL itself is never shown. */
  unsafeUrl: string;
  /** Defaults to `"Retry"`. */
  retry: string;
  /** The download link. Defaults to `"Download video"`. */
  download: string;
}

export const defaultVideoPlayerLabels: VideoPlayerLabels = {
  video: 'Generated video',
  idle: defaultVideoJobProgressLabels.idle,
  empty: 'No video yet',
  waiting: 'Your video will appear here',
  uploading: defaultVideoJobProgressLabels.uploading(undefined),
  submitting: defaultVideoJobProgressLabels.submitting,
  queued: defaultVideoJobProgressLabels.queued,
  running: defaultVideoJobProgressLabels.running,
  loading: 'Loading video…',
  refreshing: 'Refreshing the video link…',
  loadFailed: 'The video could not be loaded. Its link may have expired or the connection dropped.',
  unsafeUrl: 'This video cannot be played: its address is not a web address.',
  retry: 'Retry',
  download: 'Download video',
};

import { formatDuration } from '../core/formatDuration';
import type { JobStatus } from '../core/jobStatus';
import type { VideoJobGalleryItem } from './VideoJobGallery';

/** Every string `<VideoJobGallery>` shows. Pass a partial object as `labels` to translate or reword. */
export interface VideoJobGalleryLabels {
  /** Accessible name of the list. Defaults to `"Your videos"`. */
  list: string;
  /** When there is nothing to list. Defaults to `"No videos yet"`. */
  empty: string;
  /** An item's title. Defaults to the job's `input.prompt` when known, else its model. */
  title: (item: VideoJobGalleryItem) => string;
  /** An item's status in words. Defaults to `"Ready"`, `"Failed"`, `"Cancelled"`, `"In queue"`, `"Generating…"`. */
  status: (status: JobStatus | undefined, progress: number | undefined) => string;
  /** How long ago the job ended (or was submitted, while under way). Defaults to `"3 min ago"`, `"Just now"`. */
  ago: (ms: number) => string;
  /** Accessible name of an item's video. Defaults to `"Video: <title>"`. */
  video: (title: string) => string;
  /** Defaults to `"Run again"`. */
  runAgain: string;
  /** Defaults to `"Remove"`. */
  remove: string;
  /** Defaults to `"Download"`. */
  download: string;
  /** Defaults to `"Copy link"`. */
  copyLink: string;
  /** Announced once the link is on the clipboard. Defaults to `"Link copied"`. */
  copied: string;
  /** Announced when the clipboard refused. Defaults to `"The link could not be copied"`. */
  copyFailed: string;
}

export const defaultVideoJobGalleryLabels: VideoJobGalleryLabels = {
  list: 'Your videos',
  empty: 'No videos yet',
  title: (item) => {
    const prompt = item.input?.prompt;
    return typeof prompt === 'string' && prompt.trim() !== '' ? prompt : item.ref.model;
  },
  status: (status, progress) => {
    switch (status) {
      case 'completed':
        return 'Ready';
      case 'failed':
        return 'Failed';
      case 'cancelled':
        return 'Cancelled';
      case 'running':
        return progress === undefined ? 'Generating…' : `Generating – ${Math.round(progress * 100)} %`;
      default:
        return 'In queue';
    }
  },
  ago: (ms) => (ms < 60_000 ? 'Just now' : `${formatDuration(Math.floor(ms / 60_000) * 60_000)} ago`),
  video: (title) => `Video: ${title}`,
  runAgain: 'Run again',
  remove: 'Remove',
  download: 'Download',
  copyLink: 'Copy link',
  copied: 'Link copied',
  copyFailed: 'The link could not be copied',
};

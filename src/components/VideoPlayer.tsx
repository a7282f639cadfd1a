'use client';

import {
  forwardRef,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  type SyntheticEvent,
} from 'react';
import type { JobSnapshot } from '../core/jobSnapshot';
import type { VideoClient } from '../core/videoClient';
import { VideoJobError } from '../core/videoJobError';
import { useOptionalVideoClient } from '../react/VideoJobsProvider';
import { safeMediaUrl } from './safeMediaUrl';
import { useVideoSource } from './useVideoSource';
import { defaultVideoPlayerLabels, type VideoPlayerLabels } from './videoPlayerLabels';

export type VideoPlayerElement = HTMLDivElement;

export interface VideoPlayerProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children' | 'onError'> {
  /**
   * A finished job: plays `job.video.url`, sized by its width and height. A job under way shows a waiting frame with
   * its status (and the provider's `thumbnail`, when there is one).
   */
  job?: JobSnapshot | null;
  /**
   * The generation hook's status (`useVideoGeneration().status`), for the time before there is a job: while
   * `uploading` or `submitting` the frame waits too, instead of saying "Not started". Defaults to the job's status.
   */
  status?: string;
  /** A URL to play instead of the job's. Only `https:`, `http:` and `blob:` URLs are ever loaded. */
  src?: string;
  /** Image shown before playback. Same URL rules as `src`. Defaults to the job's `thumbnail`, when the provider gave one. */
  poster?: string;
  /** Starts playing as soon as it can, muted (browsers block autoplay with sound). Defaults to `false`. */
  autoPlay?: boolean;
  /** Defaults to `false`. */
  loop?: boolean;
  /** Defaults to `false` (`true` when `autoPlay`). */
  muted?: boolean;
  /** Shows the browser's own controls. Defaults to `true`. */
  controls?: boolean;
  /** Adds a download link; a string sets the suggested file name. Defaults to `false`. */
  download?: boolean | string;
  /** CSS `aspect-ratio` of the frame, e.g. `16 / 9`. Defaults to the job's width / height when known. */
  aspectRatio?: number | string;
  /** Called once each time the player ends in its error state. */
  onError?: (error: VideoJobError) => void;
  /**
   * Fetches a fresh job record when the signed URL has expired or fails to load; tried once before the
   * error shows. Defaults to `client.refresh(job.ref)` when a `job` is given.
   */
  onRefresh?: () => Promise<JobSnapshot | undefined>;
  /**
   * Used to refresh an expired URL (`client.refresh(job.ref)`) when no `onRefresh` is given. Defaults to the
   * client of the nearest `<VideoJobsProvider>`, when it has the job's provider.
   */
  client?: Pick<VideoClient, 'refresh'>;
  /** Overrides for every visible string. */
  labels?: Partial<VideoPlayerLabels>;
}

/**
 * A native `<video>` for a generated video: loading and error states, one automatic refresh of an expired
 * signed URL, and a strict URL policy. Unstyled: parts carry `data-part`, the root `data-video-player`
 * and `data-status` (`empty`, `waiting`, `loading`, `refreshing`, `ready`, `error`).
 */
export const VideoPlayer = forwardRef<VideoPlayerElement, VideoPlayerProps>(function VideoPlayer(props, ref) {
  const url = props.src ?? props.job?.video?.url;
  if (!url) return <VideoPlayerPlaceholder {...props} forwardedRef={ref} />;
  // A new URL is a new video: start over with fresh state (one refresh in reserve, loading again).
  return <VideoPlayerMedia key={url} {...props} url={url} forwardedRef={ref} />;
});

/**
 * Where the video will be: a skeleton with the job's status while it is under way (over the provider's thumbnail when
 * it gave one), else the idle or empty text. The status is aria-hidden: `<VideoJobProgress>` announces it, and the
 * frame's readable text stays `labels.waiting`, so a screen reader hears the state once.
 */
function VideoPlayerPlaceholder({
  forwardedRef,
  ...props
}: VideoPlayerProps & { forwardedRef: ForwardedRef<VideoPlayerElement> }) {
  const labels = { ...defaultVideoPlayerLabels, ...props.labels };
  const { job } = props;
  const status = job?.status ?? props.status;
  const waiting = status === 'uploading' || status === 'submitting' || status === 'queued' || status === 'running';
  // No job is the progress card's idle state; an own `empty` (reworded before `idle` existed) still counts for it.
  const idle = props.labels?.idle ?? props.labels?.empty ?? labels.idle;
  const thumbnail = waiting ? safeMediaUrl(job?.thumbnail?.url) : undefined;
  let statusText: string | undefined;
  if (status === 'uploading') statusText = labels.uploading;
  else if (status === 'submitting') statusText = labels.submitting;
  else if (status === 'queued')
    statusText = labels.queued(job?.queuePosition === undefined ? undefined : job.queuePosition + 1);
  else if (status === 'running')
    statusText = labels.running(job?.progress === undefined ? undefined : Math.round(job.progress * 100));
  return (
    <div
      ref={forwardedRef}
      data-video-player=""
      data-part="root"
      data-status={waiting ? 'waiting' : 'empty'}
      data-thumbnail={thumbnail ? '' : undefined}
      {...domProps(props)}
    >
      <div data-part="frame" style={{ aspectRatio: frameAspectRatio(props) }}>
        {thumbnail && <img data-part="thumbnail" src={thumbnail} alt="" aria-hidden="true" />}
        {waiting && <span data-part="skeleton" aria-hidden="true" />}
        <p data-part="empty">{waiting ? labels.waiting : job ? labels.empty : idle}</p>
        {statusText && (
          <p data-part="waiting-status" aria-hidden="true">
            {statusText}
          </p>
        )}
      </div>
    </div>
  );
}

interface VideoPlayerMediaProps extends VideoPlayerProps {
  url: string;
  forwardedRef: ForwardedRef<VideoPlayerElement>;
}

function VideoPlayerMedia({
  job,
  status: _status,
  src,
  url: originalUrl,
  poster,
  autoPlay = false,
  loop = false,
  muted = false,
  controls = true,
  download = false,
  aspectRatio,
  onError,
  onRefresh,
  client,
  labels: labelOverrides,
  forwardedRef,
  ...rest
}: VideoPlayerMediaProps) {
  const labels = { ...defaultVideoPlayerLabels, ...labelOverrides };
  const context = { provider: job?.provider, jobId: job?.id };
  const ownsJobUrl = job?.video !== undefined && (src === undefined || src === job.video.url);
  const providerClient = useOptionalVideoClient();
  // Inside a <VideoJobsProvider> an expired URL refreshes on its own, through the client that knows the job.
  const refresher =
    client ?? (job && providerClient?.providerNames.includes(job.ref.provider) ? providerClient : undefined);
  const refresh = onRefresh ?? (refresher && job ? () => refresher.refresh(job.ref) : undefined);
  const source = useVideoSource(originalUrl, ownsJobUrl ? job?.video?.expiresAt : undefined, refresh, context);

  const safeUrl = safeMediaUrl(source.url);
  const unsafeError = useMemo(
    () =>
      safeUrl === undefined
        ? new VideoJobError({
            kind: 'invalid_response',
            field: 'video.url',
            message: `the video URL is not an https:, http: or blob: URL (${describeScheme(source.url)}), so it was not loaded; check what the provider returned`,
            ...(job ? { provider: job.provider, jobId: job.id } : {}),
          })
        : undefined,
    [safeUrl, source.url, job],
  );
  const error = unsafeError ?? source.error;
  const status = unsafeError ? 'error' : source.phase;

  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });
  useEffect(() => {
    if (error) onErrorRef.current?.(error);
  }, [error]);

  // Where playback was when the media failed, so a refreshed URL picks up from there.
  const resumeRef = useRef<{ time: number; playing: boolean }>({ time: 0, playing: false });
  const [autoPlayBlocked, setAutoPlayBlocked] = useState(false);

  function handleReady(event: SyntheticEvent<HTMLVideoElement>) {
    markReady(event.currentTarget);
  }

  function markReady(video: HTMLVideoElement) {
    if (source.phase !== 'loading') return;
    source.onReady();
    if (autoPlay || resumeRef.current.playing) {
      startPlayback(video, autoPlay, () => setAutoPlayBlocked(true));
    }
  }

  // Browsers that load nothing before a tap (iOS with preload="metadata") stop at metadata and say `suspend`:
  // there is nothing more to wait for, so the player counts as ready and its controls appear.
  function handleSuspend(event: SyntheticEvent<HTMLVideoElement>) {
    if (event.currentTarget.readyState >= 1) handleReady(event);
  }

  function handleMediaError(event: SyntheticEvent<HTMLVideoElement>) {
    markFailed(event.currentTarget);
  }

  function markFailed(video: HTMLVideoElement) {
    resumeRef.current = { time: video.currentTime || 0, playing: !video.paused };
    source.onMediaError(mediaError(video, context));
  }

  function handleLoadedMetadata(event: SyntheticEvent<HTMLVideoElement>) {
    const { time } = resumeRef.current;
    if (time > 0) event.currentTarget.currentTime = time;
  }

  // Server-rendered: the browser may load the media (or fail to) before React hydrates and listens, so its events
  // are gone by then. Read where the element already is once it is ours.
  const videoRef = useRef<HTMLVideoElement>(null);
  const markRef = useRef({ markReady, markFailed });
  markRef.current = { markReady, markFailed };
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    if (video.error) markRef.current.markFailed(video);
    else if (video.readyState >= 2) markRef.current.markReady(video);
  }, [source.attempt]);

  // The provider's still, unless a poster is given: shown until the video plays.
  const safePoster = safeMediaUrl(poster ?? job?.thumbnail?.url);
  const fileName = typeof download === 'string' ? download : (job?.video?.fileName ?? '');
  const canRetry = !unsafeError;
  const busy = status === 'loading' || status === 'refreshing';

  // Retry removes itself: put focus on the frame, whose status then says what happens, not on <body>.
  const frameRef = useRef<HTMLDivElement>(null);
  function handleRetry() {
    source.retry();
    frameRef.current?.focus();
  }

  return (
    <div
      ref={forwardedRef}
      data-video-player=""
      data-part="root"
      data-status={status}
      data-autoplay={autoPlay ? (autoPlayBlocked ? 'blocked' : 'on') : undefined}
      {...rest}
    >
      <div
        ref={frameRef}
        data-part="frame"
        tabIndex={-1}
        aria-busy={busy}
        style={{ aspectRatio: frameAspectRatio({ job, aspectRatio }) }}
      >
        {status !== 'error' && safeUrl && (
          <video
            key={source.attempt}
            ref={videoRef}
            data-part="video"
            aria-label={labels.video}
            src={safeUrl}
            poster={safePoster}
            // Native controls (and their own spinner) only once the media can play; our overlay covers loading.
            controls={controls && status === 'ready'}
            loop={loop}
            muted={muted || autoPlay}
            playsInline
            preload="metadata"
            onLoadedMetadata={handleLoadedMetadata}
            onLoadedData={handleReady}
            onCanPlay={handleReady}
            onSuspend={handleSuspend}
            onError={handleMediaError}
          />
        )}
        {busy && (
          <div data-part="overlay" role="status">
            <span data-part="spinner" aria-hidden="true" />
            <span data-part="overlay-text">{status === 'refreshing' ? labels.refreshing : labels.loading}</span>
          </div>
        )}
        {status === 'error' && (
          <div data-part="error" role="alert">
            <p data-part="error-message">{unsafeError ? labels.unsafeUrl : labels.loadFailed}</p>
            {canRetry && (
              <button type="button" data-part="retry" onClick={handleRetry}>
                {labels.retry}
              </button>
            )}
          </div>
        )}
      </div>
      {download !== false && safeUrl && status !== 'error' && (
        <a data-part="download" href={safeUrl} download={fileName}>
          {labels.download}
        </a>
      )}
    </div>
  );
}

const PLAYER_PROPS = new Set<string>([
  'job',
  'status',
  'src',
  'poster',
  'autoPlay',
  'loop',
  'muted',
  'controls',
  'download',
  'aspectRatio',
  'onError',
  'onRefresh',
  'client',
  'labels',
]);

/** The props meant for the root `<div>` (id, className, style, data-*, ...), without the player's own. */
function domProps(props: VideoPlayerProps): ComponentPropsWithoutRef<'div'> {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !PLAYER_PROPS.has(key)));
}

function frameAspectRatio({ job, aspectRatio }: Pick<VideoPlayerProps, 'job' | 'aspectRatio'>): string | undefined {
  if (aspectRatio !== undefined) return String(aspectRatio);
  const width = job?.video?.width;
  const height = job?.video?.height;
  return width && height && width > 0 && height > 0 ? `${width} / ${height}` : undefined;
}

/** Starts playback; a refusal (autoplay policy) is not an error, it leaves the controls to the viewer. */
function startPlayback(video: HTMLVideoElement, mute: boolean, onBlocked: () => void): void {
  // Browsers only autoplay muted media; set the property too, React's `muted` prop may not have landed yet.
  if (mute) video.muted = true;
  let pending: Promise<void> | undefined;
  try {
    pending = video.play();
  } catch {
    onBlocked();
    return;
  }
  if (pending && typeof pending.catch === 'function') pending.catch(onBlocked);
}

const MEDIA_ERROR_NAMES: Record<number, string> = {
  1: 'MEDIA_ERR_ABORTED',
  2: 'MEDIA_ERR_NETWORK',
  3: 'MEDIA_ERR_DECODE',
  4: 'MEDIA_ERR_SRC_NOT_SUPPORTED',
};

function mediaError(video: HTMLVideoElement, context: { provider?: string; jobId?: string }): VideoJobError {
  const code = MEDIA_ERROR_NAMES[video.error?.code ?? 0] ?? 'MEDIA_ERR_UNKNOWN';
  return new VideoJobError({
    kind: 'network',
    code,
    retryable: true,
    message: `the video could not be loaded (${code}); its signed URL may have expired: fetch the job again, or check the connection`,
    ...context,
  });
}

/** Names the scheme of a refused URL without echoing the URL (it may be a huge data: URL or a script). */
function describeScheme(url: string): string {
  const match = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1] ? `scheme "${match[1].toLowerCase()}:"` : 'not an absolute URL';
}

'use client';

import {
  forwardRef,
  useCallback,
  useEffect,
  useRef,
  useState,
  type ComponentPropsWithoutRef,
  type CSSProperties,
  type RefObject,
} from 'react';
import type { DurationEstimate } from '../core/durationModel';
import type { JobSnapshot } from '../core/jobSnapshot';
import { FailureDetails } from './FailureDetails';
import { useNow } from './useNow';
import { defaultVideoJobProgressLabels, type VideoJobProgressLabels } from './videoJobProgressLabels';
import {
  buildProgressView,
  isActive,
  type VideoJobDisplayStatus,
  type VideoJobProgressState,
} from './videoJobProgressView';
import { visuallyHidden } from './visuallyHidden';
import type { FirstSeen } from './waitEstimate';

export type VideoJobProgressElement = HTMLDivElement;

export interface VideoJobProgressProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** The job to show. Takes precedence over `state.job`. */
  job?: JobSnapshot | null;
  /** A generation hook's result (`useVideoGeneration`, `useJobStatus`): job, status, elapsed time and cancel. */
  state?: VideoJobProgressState;
  /** Shows a Cancel button while the job runs. Defaults to `state.cancel`. May return a promise: the button is busy until it settles. */
  onCancel?: () => unknown;
  /** Shows a Retry button when the job failed. Defaults to `state.retry`. */
  onRetry?: () => unknown;
  /** Shows a Run again button when the job was cancelled or is no longer followed (same input, new job). Defaults to `onRetry`. */
  onRunAgain?: () => unknown;
  /**
   * Shows a Check again button for a job we stopped following because the provider cannot cancel it (it may still
   * finish), e.g. `() => client.forget(job.ref) || resume(job.ref)`. Defaults to none.
   */
  onCheckAgain?: () => unknown;
  /** Marks the Cancel button busy. Defaults to `state.isCancelling`, or `true` while `onCancel`'s promise is pending. */
  cancelling?: boolean;
  /** Overrides for every visible and announced string. */
  labels?: Partial<VideoJobProgressLabels>;
  /** Offers the provider's latest log lines behind a disclosure. Defaults to `true`. */
  showLogs?: boolean;
  /** How many of the latest log lines to show. Defaults to `5`. */
  maxLogLines?: number;
  /**
   * This job's model's run time as the client has learned it (`durationModel.estimate(\`${provider}:${model}\`)`),
   * shown as "Usually about 1 min" until progress or queue movement gives a closer estimate. Defaults to none.
   */
  estimate?: DurationEstimate;
}

/** Screen readers only notice changes to a live region that was already there, so milestones wait this long. */
const ANNOUNCE_DELAY_MS = 100;

/**
 * The status of one video job in words, a progress bar, elapsed and remaining time, the latest logs, and
 * Cancel / Retry. Unstyled: the root carries `data-video-job-progress` and `data-status`, every part
 * `data-part`; the optional `react-video-jobs/styles.css` theme styles them.
 */
export const VideoJobProgress = forwardRef<VideoJobProgressElement, VideoJobProgressProps>(function VideoJobProgress(
  {
    job: jobProp,
    state,
    onCancel,
    onRetry,
    onRunAgain,
    onCheckAgain,
    cancelling,
    labels: labelOverrides,
    showLogs = true,
    maxLogLines = 5,
    estimate,
    ...rest
  },
  ref,
) {
  const labels: VideoJobProgressLabels = { ...defaultVideoJobProgressLabels, ...labelOverrides };
  const job = jobProp ?? state?.job ?? undefined;
  const running = job?.status === 'running';
  const now = useNow(isActive(job, state));

  // Remember where the running phase and the queue were first seen: rates without a provider `startedAt`.
  const [firstRunning, setFirstRunning] = useState<FirstSeen>();
  if (running && job.progress !== undefined && firstRunning?.jobId !== job.id) {
    setFirstRunning({ jobId: job.id, at: job.updatedAt, value: job.progress });
  }
  const [firstQueued, setFirstQueued] = useState<FirstSeen>();
  if (job?.status === 'queued' && job.queuePosition !== undefined && firstQueued?.jobId !== job.id) {
    setFirstQueued({ jobId: job.id, at: job.updatedAt, value: job.queuePosition });
  }

  const view = buildProgressView({ job, state, now, labels, firstRunning, firstQueued, estimate });

  // How an upload ended shows only in the status that follows it (the hook drops `upload`): submitting means the
  // bytes are sent, idle that Cancel stopped them. Said once, until the next status.
  const [shownStatus, setShownStatus] = useState(view.status);
  const [afterUpload, setAfterUpload] = useState<VideoJobDisplayStatus>();
  if (shownStatus !== view.status) {
    setShownStatus(view.status);
    setAfterUpload(shownStatus === 'uploading' ? view.status : undefined);
  }
  const announcement =
    afterUpload === 'submitting'
      ? labels.announceUploaded
      : afterUpload === 'idle'
        ? labels.announceUploadCancelled
        : view.announcement;

  // Let the (empty) live region exist before its first announcement; see ANNOUNCE_DELAY_MS.
  const [announcerReady, setAnnouncerReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setAnnouncerReady(true), ANNOUNCE_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);

  const cancel = onCancel ?? state?.cancel;
  const retry = onRetry ?? state?.retry;
  const [cancelPending, setCancelPending] = useState(false);
  const busyCancelling = Boolean(cancelling ?? state?.isCancelling ?? false) || cancelPending;
  // A job we stopped following may still run remotely: it can still be cancelled.
  const showCancel = Boolean(cancel) && (view.active || view.status === 'queued' || view.status === 'running');
  const showRetry = Boolean(retry) && view.status === 'failed';
  const runAgain = onRunAgain ?? retry;
  const showRunAgain = Boolean(runAgain) && (view.status === 'cancelled' || view.status === 'stopped');
  const showCheckAgain = Boolean(onCheckAgain) && view.status === 'stopped';

  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const handleCancel = useCallback(() => {
    if (!cancel || busyCancelling) return;
    const result = cancel();
    if (isThenable(result)) {
      setCancelPending(true);
      const settle = () => {
        if (mounted.current) setCancelPending(false);
      };
      result.then(settle, settle);
    }
  }, [cancel, busyCancelling]);

  // When an action (Cancel, Retry) disappears while focused (the job ended, or a new one started), keep keyboard
  // users in place instead of on <body>: on the next action offered, else on the panel, which reads the new status.
  const panelRef = useRef<HTMLDivElement>(null);
  const restoreFocus = useRef<FocusTarget>(undefined);
  // Cancel ends in a state with its own next step (Run again, Retry); Retry starts a new job, whose status matters.
  const cancelRef = useFocusLossRef(restoreFocus, 'action');
  const retryRef = useFocusLossRef(restoreFocus, 'panel');
  const runAgainRef = useFocusLossRef(restoreFocus, 'panel');
  const checkAgainRef = useFocusLossRef(restoreFocus, 'panel');
  useEffect(() => {
    if (!restoreFocus.current) return;
    const wanted = restoreFocus.current;
    restoreFocus.current = undefined;
    const action =
      wanted === 'action' ? panelRef.current?.querySelector<HTMLElement>('[data-part="actions"] button') : null;
    (action ?? panelRef.current)?.focus();
  });

  // The newest log line is the one people look for: keep the list scrolled to the end as lines arrive.
  const logListRef = useRef<HTMLOListElement>(null);
  const lastLog = job?.logs[job.logs.length - 1];
  useEffect(() => {
    const list = logListRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [lastLog, job?.logs.length]);
  const scrollLogsToEnd = useCallback(() => {
    const list = logListRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, []);

  const logs = job && showLogs ? job.logs.slice(-Math.max(1, maxLogLines)) : [];
  const barPercent = view.percent ?? view.queuePercent;
  const progressStyle = { '--rvj-progress': (barPercent ?? 0) / 100 } as CSSProperties;

  return (
    <div ref={ref} data-video-job-progress="" data-part="root" data-status={view.status} {...rest}>
      <div
        ref={panelRef}
        role="group"
        aria-label={labels.group}
        aria-busy={view.active}
        tabIndex={-1}
        data-part="panel"
      >
        <div data-part="header">
          <p data-part="status">{view.text}</p>
          {(view.elapsedText || view.remainingText) && (
            <p data-part="time" suppressHydrationWarning>
              {view.elapsedText && <span data-part="elapsed">{view.elapsedText}</span>}
              {view.remainingText && <span data-part="remaining">{view.remainingText}</span>}
            </p>
          )}
        </div>
        {view.showProgressbar && (
          <div
            role="progressbar"
            aria-label={view.status === 'uploading' ? labels.uploadProgressbar : labels.progressbar}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={barPercent}
            aria-valuetext={view.remainingText ? `${view.text}, ${view.remainingText}` : view.text}
            data-part="progress"
            data-state={
              view.status === 'uploading'
                ? 'upload'
                : view.percent !== undefined
                  ? view.percent >= 100
                    ? 'complete'
                    : 'determinate'
                  : view.queuePercent !== undefined
                    ? 'queue'
                    : 'indeterminate'
            }
            style={progressStyle}
          >
            <div data-part="indicator" />
          </div>
        )}
        {view.stalledText && <p data-part="stalled">{view.stalledText}</p>}
        {view.noteText && <p data-part="note">{view.noteText}</p>}
        {view.status === 'failed' && <FailureDetails detail={view.detailText} jobId={job?.id} labels={labels} />}
        {logs.length > 0 && (
          <details data-part="logs" onToggle={scrollLogsToEnd}>
            <summary data-part="logs-summary">{labels.logs(job?.logs.length ?? 0)}</summary>
            {/* Focusable, so keyboard users can scroll a list longer than its box. */}
            <ol
              ref={logListRef}
              data-part="log-lines"
              tabIndex={0}
              aria-label={labels.logLines}
              start={(job?.logs.length ?? 0) - logs.length + 1}
            >
              {logs.map((line, index) => (
                <li key={index} data-part="log-line">
                  {line}
                </li>
              ))}
            </ol>
          </details>
        )}
        {(showCancel || showRetry || showRunAgain || showCheckAgain) && (
          <div data-part="actions">
            {showCancel && (
              <button
                ref={cancelRef}
                type="button"
                data-part="cancel"
                aria-disabled={busyCancelling || undefined}
                aria-busy={busyCancelling || undefined}
                data-state={busyCancelling ? 'busy' : 'idle'}
                onClick={handleCancel}
              >
                {busyCancelling ? labels.cancelling : labels.cancel}
              </button>
            )}
            {showRetry && (
              <button ref={retryRef} type="button" data-part="retry" onClick={() => void retry?.()}>
                {labels.retry}
              </button>
            )}
            {showCheckAgain && (
              <button ref={checkAgainRef} type="button" data-part="check-again" onClick={() => void onCheckAgain?.()}>
                {labels.checkAgain}
              </button>
            )}
            {showRunAgain && (
              <button ref={runAgainRef} type="button" data-part="run-again" onClick={() => void runAgain?.()}>
                {labels.runAgain}
              </button>
            )}
          </div>
        )}
      </div>
      <div role="status" aria-live="polite" aria-atomic="true" data-part="announcer" style={visuallyHidden}>
        {announcerReady ? announcement : ''}
      </div>
    </div>
  );
});

/**
 * A ref callback for a button that notes when the button is removed while it has focus. React detaches the
 * ref before it removes the node, so the node still knows whether it was focused.
 */
function useFocusLossRef(lostFocusRef: RefObject<FocusTarget>, moveTo: FocusTarget) {
  const node = useRef<HTMLButtonElement | null>(null);
  return useCallback(
    (next: HTMLButtonElement | null) => {
      if (next === null && node.current && node.current.ownerDocument.activeElement === node.current) {
        lostFocusRef.current = moveTo;
      }
      node.current = next;
    },
    [lostFocusRef, moveTo],
  );
}

/** Where focus goes when a focused action disappears: the next action offered (else the panel), or the panel. */
type FocusTarget = 'action' | 'panel' | undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

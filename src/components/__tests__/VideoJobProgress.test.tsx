// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VideoJobError } from '../../core/videoJobError';
import { VideoJobProgress } from '../VideoJobProgress';
import type { VideoJobProgressLabels } from '../videoJobProgressLabels';
import { axeViolations } from './axe';
import { completedJob, failedJob, makeJob, NOW } from './jobFixture';

function user() {
  return userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
}

/** Lets the live region settle (it starts empty so screen readers notice its first announcement). */
async function settle(ms = 150) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function announcer() {
  return screen.getByRole('status');
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  // Testing Library only advances fake timers it recognises as Jest's; without this its async helpers wait forever.
  (globalThis as { jest?: unknown }).jest = { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) };
});
afterEach(() => {
  vi.useRealTimers();
  delete (globalThis as { jest?: unknown }).jest;
});

describe('VideoJobProgress, given each status', () => {
  it('says "In queue – position 3" for a queued job at 0-based position 2, with an indeterminate bar', async () => {
    render(<VideoJobProgress job={makeJob({ queuePosition: 2 })} />);
    expect(screen.getByText('In queue – position 3')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', { name: 'Generation progress' });
    expect(bar).not.toHaveAttribute('aria-valuenow');
    expect(bar).toHaveAttribute('aria-valuetext', 'In queue – position 3');
    expect(bar).toHaveAttribute('data-state', 'indeterminate');
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByText('Elapsed 42 s')).toBeInTheDocument();
    await settle();
    expect(announcer()).toHaveTextContent('Video generation queued');
  });

  it('says "In queue" without a position when the provider gives none', () => {
    render(<VideoJobProgress job={makeJob()} />);
    expect(screen.getByText('In queue')).toBeInTheDocument();
  });

  it('shows a determinate bar, the percentage and the time left while running with progress', () => {
    // Started 30 s ago, 42 % done when observed now: about 41 s to go, said as people round it.
    render(<VideoJobProgress job={makeJob({ status: 'running', progress: 0.42, startedAt: NOW - 30_000 })} />);
    expect(screen.getByText('Generating – 42 %')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(bar).toHaveAttribute('aria-valuetext', 'Generating – 42 %, About 40 s left');
    expect(bar).toHaveAttribute('data-state', 'determinate');
    expect(screen.getByText('About 40 s left')).toBeInTheDocument();
  });

  it('estimates time left from the progress it has watched when the provider sends no start time', () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ status: 'running', progress: 0.1 })} />);
    expect(screen.queryByText(/left$/)).not.toBeInTheDocument();
    rerender(<VideoJobProgress job={makeJob({ status: 'running', progress: 0.3, updatedAt: NOW + 10_000 })} />);
    // 20 % in 10 s: the remaining 70 % take 35 s.
    expect(screen.getByText('About 35 s left')).toBeInTheDocument();
  });

  it('shows an indeterminate bar and no time left while running without progress', () => {
    render(<VideoJobProgress job={makeJob({ status: 'running' })} />);
    expect(screen.getByText('Generating…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
    expect(screen.queryByText(/left$/)).not.toBeInTheDocument();
  });

  it('says "Completed" with a full bar and the total time, and is no longer busy', async () => {
    render(<VideoJobProgress job={completedJob()} onCancel={() => {}} />);
    expect(screen.getByText('Completed')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('Took 40 s')).toBeInTheDocument();
    expect(screen.getByRole('group')).toHaveAttribute('aria-busy', 'false');
    expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    await settle();
    expect(announcer()).toHaveTextContent('Video ready');
  });

  it('says a short sentence on failure, keeps the reason and the job id behind Details, and offers Retry', async () => {
    const onRetry = vi.fn();
    render(<VideoJobProgress job={failedJob()} onRetry={onRetry} onCancel={() => {}} />);
    expect(screen.getByText('The video could not be generated.', { selector: '[data-part="status"]' })).toBeVisible();
    expect(screen.getByText('Failed after 42 s')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    // The provider's reason, without our provider/job prefix, and the job id, one click away.
    const details = screen.getByText('Details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    await user().click(screen.getByText('Details'));
    expect(within(details).getByText('The prompt was flagged by the safety checker')).toBeVisible();
    expect(within(details).getByText('req-1')).toBeVisible();
    await user().click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
    await settle();
    // The live region reads the short sentence only.
    expect(announcer()).toHaveTextContent(/^Video generation failed\. The video could not be generated\.$/);
  });

  it('copies the job id from the details', async () => {
    // user-event puts a clipboard stub on navigator for the test.
    const person = user();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    render(<VideoJobProgress job={failedJob()} />);
    await person.click(screen.getByText('Details'));
    await person.click(screen.getByRole('button', { name: 'Copy job id' }));
    expect(writeText).toHaveBeenCalledWith('req-1');
    await settle(0);
    expect(screen.getByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('says a request fault in words, with the request behind Details', async () => {
    const error = new VideoJobError({
      kind: 'http',
      status: 500,
      message: 'POST /fal/fal-ai/veo3 answered 500: "Internal server error"',
      provider: 'fal',
    });
    render(<VideoJobProgress state={{ status: 'idle', error }} />);
    expect(screen.getByText('The provider could not be reached.')).toBeInTheDocument();
    await user().click(screen.getByText('Details'));
    expect(screen.getByText(/answered 500/)).toBeVisible();
    await settle();
    expect(announcer()).not.toHaveTextContent(/500/);
  });

  it('shows a submit that failed before there was a job (a hook result with only an error)', () => {
    const error = new VideoJobError({ kind: 'auth', message: 'the API key was rejected', provider: 'fal' });
    render(<VideoJobProgress state={{ status: 'idle', error }} />);
    expect(screen.getByText('The provider refused the request.')).toBeInTheDocument();
    expect(screen.getByText('the API key was rejected')).toBeInTheDocument();
  });

  it('says "Cancelled" with "Stopped after", and offers Run again', async () => {
    const onRunAgain = vi.fn();
    const { container } = render(<VideoJobProgress job={makeJob({ status: 'cancelled' })} onRunAgain={onRunAgain} />);
    expect(screen.getByText('Cancelled')).toBeInTheDocument();
    expect(screen.getByText('Stopped after 42 s')).toBeInTheDocument();
    expect(container.querySelector('[data-part="note"]')).toBeNull();
    await user().click(screen.getByRole('button', { name: 'Run again' }));
    expect(onRunAgain).toHaveBeenCalledTimes(1);
  });

  it('says "Stopped following", not "Cancelled", when the provider cannot cancel, and offers Check again', async () => {
    const onCheckAgain = vi.fn();
    const { container, rerender } = render(
      <VideoJobProgress
        job={makeJob({ status: 'cancelled', cancellation: { remote: 'unsupported' } })}
        onCheckAgain={onCheckAgain}
        onRetry={() => {}}
      />,
    );
    expect(container.firstElementChild).toHaveAttribute('data-status', 'stopped');
    expect(screen.getByText('Stopped following')).toBeInTheDocument();
    expect(screen.queryByText('Cancelled')).not.toBeInTheDocument();
    expect(screen.getByText(/provider cannot stop this job, so it may still finish/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run again' })).toBeInTheDocument();
    await user().click(screen.getByRole('button', { name: 'Check again' }));
    expect(onCheckAgain).toHaveBeenCalledTimes(1);
    await settle();
    expect(announcer()).toHaveTextContent('Stopped following the video generation');
    rerender(<VideoJobProgress job={makeJob({ status: 'cancelled', cancellation: { remote: 'requested' } })} />);
    rerender(<VideoJobProgress job={makeJob({ status: 'cancelled', cancellation: { remote: 'requested' } })} />);
    expect(screen.getByText(/may still finish/)).toBeInTheDocument();
  });

  it('shows "Not started" without a bar before there is a job, and "Submitting…" while submitting', () => {
    const { rerender, container } = render(<VideoJobProgress state={{ status: 'idle', elapsedMs: 0 }} />);
    expect(screen.getByText('Not started')).toBeInTheDocument();
    expect(screen.queryByText(/Elapsed/)).not.toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(container.firstElementChild).toHaveAttribute('data-status', 'idle');
    rerender(<VideoJobProgress state={{ status: 'submitting', elapsedMs: 1_500 }} />);
    expect(screen.getByText('Submitting…')).toBeInTheDocument();
    expect(screen.getByText('Elapsed 2 s')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
  });

  it('says so, stops ticking and is not busy when the hook stopped following the job (timeout)', async () => {
    const error = new VideoJobError({
      kind: 'timeout',
      message: 'watching timed out',
      provider: 'fal',
      jobId: 'req-1',
    });
    const job = makeJob({ status: 'running', progress: 0.3, startedAt: NOW - 10_000 });
    render(<VideoJobProgress state={{ job, status: 'running', error, cancel: () => {} }} />);
    expect(screen.getByText(/Stopped following this job/)).toBeInTheDocument();
    expect(screen.queryByText(/left$/)).not.toBeInTheDocument();
    expect(screen.getByRole('group')).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(screen.getByText('Elapsed 42 s')).toBeInTheDocument();
  });

  it('shows a stalled-queue notice when the core flags the job', () => {
    render(<VideoJobProgress job={makeJob({ queuePosition: 40, stalledSince: NOW - 150_000 })} />);
    expect(screen.getByText(/The queue has not moved for 2 min 30 s/)).toBeInTheDocument();
  });

  it('exposes data-status on the root and data-part on each part, for styling', () => {
    const { container } = render(
      <VideoJobProgress className="mine" job={makeJob({ status: 'running', progress: 0.5, logs: ['a'] })} />,
    );
    const root = container.firstElementChild!;
    expect(root).toHaveAttribute('data-status', 'running');
    expect(root).toHaveAttribute('data-part', 'root');
    expect(root).toHaveClass('mine');
    for (const part of ['panel', 'status', 'time', 'elapsed', 'progress', 'indicator', 'logs', 'announcer']) {
      expect(root.querySelector(`[data-part="${part}"]`), part).not.toBeNull();
    }
    expect(screen.getByRole('progressbar').style.getPropertyValue('--rvj-progress')).toBe('0.5');
  });
});

describe('VideoJobProgress, uploading the start image', () => {
  const uploading = (loaded: number, total = 690_000) => ({
    status: 'uploading',
    upload: { loaded, total },
    elapsedMs: 2_000,
  });

  it('says "Uploading – 40 %" with a determinate upload bar, the bytes sent, and offers Cancel', () => {
    const cancel = vi.fn();
    render(<VideoJobProgress state={{ ...uploading(276_000), cancel }} />);
    expect(screen.getByText('Uploading – 40 %', { selector: '[data-part="status"]' })).toBeInTheDocument();
    const bar = screen.getByRole('progressbar', { name: 'Upload progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(bar).toHaveAttribute('aria-valuetext', 'Uploading – 40 %, 276 KB of 690 KB');
    expect(bar).toHaveAttribute('data-state', 'upload');
    expect(bar.style.getPropertyValue('--rvj-progress')).toBe('0.4');
    expect(screen.getByText('276 KB of 690 KB')).toBeInTheDocument();
    expect(screen.queryByText(/^Elapsed/)).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('group').parentElement).toHaveAttribute('data-status', 'uploading');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
  });

  it('announces the upload starting and ending once each, not every percent, then the queue', async () => {
    const { rerender } = render(<VideoJobProgress state={uploading(0)} />);
    await settle();
    const region = announcer();
    const said = [region.textContent];
    for (const loaded of [100_000, 276_000, 500_000, 689_999]) {
      rerender(<VideoJobProgress state={uploading(loaded)} />);
      said.push(region.textContent);
    }
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '99');
    rerender(<VideoJobProgress state={{ status: 'submitting' }} />);
    said.push(region.textContent);
    expect(screen.getByText('Submitting…')).toBeInTheDocument();
    rerender(<VideoJobProgress state={{ status: 'queued', job: makeJob() }} />);
    said.push(region.textContent);
    expect(said).toEqual([
      ...Array<string>(5).fill('Uploading the image'),
      'Image uploaded',
      'Video generation queued',
    ]);
  });

  it('says nothing about an upload when a submit carried no image', async () => {
    render(<VideoJobProgress state={{ status: 'submitting' }} />);
    await settle();
    expect(announcer()).toHaveTextContent(/^$/);
  });

  it('given Cancel pressed from the keyboard while uploading, back to idle: announces "Upload cancelled", focus on the panel', async () => {
    const cancel = vi.fn(async () => undefined);
    const { rerender } = render(<VideoJobProgress state={{ ...uploading(276_000), cancel }} />);
    await settle();
    await user().tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user().keyboard('{Enter}');
    expect(cancel).toHaveBeenCalledTimes(1);
    rerender(<VideoJobProgress state={{ status: 'idle', cancel }} />);
    expect(screen.getByText('Not started')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveFocus();
    expect(announcer()).toHaveTextContent('Upload cancelled');
    // A new job replaces the note.
    rerender(<VideoJobProgress state={uploading(0)} />);
    expect(announcer()).toHaveTextContent('Uploading the image');
  });

  it('shows an upload of unknown size as "Uploading…" with an empty bar, never NaN', () => {
    render(<VideoJobProgress state={{ status: 'uploading', upload: { loaded: 0, total: 0 } }} />);
    expect(screen.getByText('Uploading…', { selector: '[data-part="status"]' })).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
  });
});

describe('VideoJobProgress, how long', () => {
  const estimate = { mu: Math.log(62_000), sigma: 0.3, count: 4, median: 62_000, p10: 42_000, p90: 91_000 };

  it('says "Usually about 1 min" from the duration model while queued, submitting, or running without progress', () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ queuePosition: 2 })} estimate={estimate} />);
    expect(screen.getByText('Usually about 1 min')).toBeInTheDocument();
    rerender(<VideoJobProgress state={{ status: 'submitting', elapsedMs: 0 }} estimate={estimate} />);
    expect(screen.getByText('Usually about 1 min')).toBeInTheDocument();
    rerender(<VideoJobProgress job={makeJob({ status: 'running' })} estimate={estimate} />);
    expect(screen.getByText('Usually about 1 min')).toBeInTheDocument();
  });

  it('counts down from the typical run time when the run started at a known time and reports no progress', () => {
    render(<VideoJobProgress job={makeJob({ status: 'running', startedAt: NOW - 20_000 })} estimate={estimate} />);
    expect(screen.getByText('About 40 s left')).toBeInTheDocument();
  });

  it('says "About 30 s left in queue" once the queue moves, and the bar fills as the position drops', () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ queuePosition: 4 })} estimate={estimate} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('data-state', 'indeterminate');
    // Two places in 20 s: the 3 jobs still ahead (and this one's turn) take about 30 s.
    rerender(<VideoJobProgress job={makeJob({ queuePosition: 2, updatedAt: NOW + 20_000 })} estimate={estimate} />);
    expect(screen.getByText('About 30 s left in queue')).toBeInTheDocument();
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute('data-state', 'queue');
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    rerender(<VideoJobProgress job={makeJob({ queuePosition: 0, updatedAt: NOW + 40_000 })} estimate={estimate} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '80');
  });

  it('says "Finishing…" instead of "About 0 s left"', () => {
    render(<VideoJobProgress job={makeJob({ status: 'running', progress: 0.99, startedAt: NOW - 60_000 })} />);
    expect(screen.getByText('Finishing…')).toBeInTheDocument();
    expect(screen.queryByText(/About 0 s/)).not.toBeInTheDocument();
  });

  it('counts the estimate down between polls, then says "Finishing…"', async () => {
    render(<VideoJobProgress job={makeJob({ status: 'running', progress: 0.5, startedAt: NOW - 10_000 })} />);
    expect(screen.getByText('About 10 s left')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(9_000));
    expect(screen.getByText('Finishing…')).toBeInTheDocument();
  });
});

describe('VideoJobProgress, as time passes and polls arrive', () => {
  it('counts elapsed time between polls', async () => {
    render(<VideoJobProgress job={makeJob({ status: 'running' })} />);
    expect(screen.getByText('Elapsed 42 s')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(screen.getByText('Elapsed 45 s')).toBeInTheDocument();
  });

  it('announces milestones only, not every poll', async () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ queuePosition: 3 })} />);
    await settle();
    const region = announcer();
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toHaveTextContent('Video generation queued');

    const said = [region.textContent];
    const polls = [
      makeJob({ queuePosition: 1, updatedAt: NOW + 1_000 }),
      makeJob({ status: 'running', progress: 0.1, updatedAt: NOW + 2_000 }),
      makeJob({ status: 'running', progress: 0.5, updatedAt: NOW + 3_000 }),
      makeJob({ status: 'running', progress: 0.9, updatedAt: NOW + 4_000 }),
      completedJob(),
    ];
    for (const job of polls) {
      rerender(<VideoJobProgress job={job} />);
      said.push(region.textContent);
    }
    expect(said).toEqual([
      'Video generation queued',
      'Video generation queued',
      'Video generation started',
      'Video generation started',
      'Video generation started',
      'Video ready',
    ]);
  });
});

describe('VideoJobProgress, cancelling', () => {
  it('calls onCancel, stays busy while it is pending, ignores repeat presses, and is gone once cancelled', async () => {
    let finish!: () => void;
    const onCancel = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const job = makeJob({ status: 'running', progress: 0.2 });
    const { rerender } = render(<VideoJobProgress job={job} onCancel={onCancel} />);
    const button = screen.getByRole('button', { name: 'Cancel' });
    await user().click(button);
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(button).toHaveAccessibleName('Cancelling…');
    expect(button).toHaveAttribute('aria-busy', 'true');
    expect(button).toHaveAttribute('aria-disabled', 'true');
    await user().click(button);
    expect(onCancel).toHaveBeenCalledTimes(1);
    await act(async () => finish());
    expect(button).toHaveAccessibleName('Cancel');

    rerender(<VideoJobProgress job={makeJob({ status: 'cancelled' })} onCancel={onCancel} />);
    expect(screen.queryByRole('button', { name: /Cancel/ })).not.toBeInTheDocument();
  });

  it('works from the keyboard, and keeps focus in the component when Cancel goes away', async () => {
    const onCancel = vi.fn();
    const { rerender } = render(<VideoJobProgress job={makeJob({ status: 'running' })} onCancel={onCancel} />);
    await user().tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user().keyboard('{Enter}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    rerender(<VideoJobProgress job={makeJob({ status: 'cancelled' })} onCancel={onCancel} />);
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveFocus();
  });

  it('given a failed job, when Retry is pressed and the new job starts, focus moves to the progress group, not <body>', async () => {
    const onRetry = vi.fn();
    const { rerender } = render(<VideoJobProgress job={failedJob()} onRetry={onRetry} onCancel={() => {}} />);
    screen.getByRole('button', { name: 'Retry' }).focus();
    await user().keyboard('{Enter}');
    expect(onRetry).toHaveBeenCalledTimes(1);
    rerender(<VideoJobProgress state={{ status: 'submitting', elapsedMs: 0 }} onRetry={onRetry} onCancel={() => {}} />);
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveFocus();
    expect(document.body).not.toHaveFocus();
  });

  it('shows busy from the `cancelling` prop and from a hook result', () => {
    const job = makeJob({ status: 'queued' });
    const { rerender } = render(<VideoJobProgress job={job} onCancel={() => {}} cancelling />);
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toHaveAttribute('aria-busy', 'true');
    rerender(
      <VideoJobProgress state={{ job, status: 'queued', cancel: () => {}, isCancelling: true, elapsedMs: 0 }} />,
    );
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeInTheDocument();
  });

  it('takes job, elapsed time, cancel and retry from a hook result', async () => {
    const cancel = vi.fn(async () => undefined);
    render(
      <VideoJobProgress state={{ job: makeJob({ status: 'running' }), status: 'running', elapsedMs: 0, cancel }} />,
    );
    await user().click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('shows no Cancel without a way to cancel, and no Retry without a way to retry', () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ status: 'running' })} />);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    rerender(<VideoJobProgress job={failedJob()} />);
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    rerender(<VideoJobProgress job={makeJob({ status: 'cancelled' })} />);
    expect(screen.queryByRole('button', { name: 'Run again' })).not.toBeInTheDocument();
  });
});

describe('VideoJobProgress, logs', () => {
  const logs = ['boot', 'load model', 'step 1', 'step 2', 'step 3', 'step 4', 'step 5'];

  it('keeps the latest log lines behind a closed disclosure', async () => {
    render(<VideoJobProgress job={makeJob({ status: 'running', logs })} />);
    const summary = screen.getByText('Logs (7)');
    const details = summary.closest('details')!;
    expect(details).not.toHaveAttribute('open');
    await user().click(summary);
    expect(details).toHaveAttribute('open');
    const items = within(details)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(items).toEqual(['step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
  });

  it('names the list of lines and lets the keyboard reach it, to scroll it', async () => {
    render(<VideoJobProgress job={makeJob({ status: 'running', logs })} />);
    await user().click(screen.getByText('Logs (7)'));
    const list = screen.getByRole('list', { name: 'Latest log lines' });
    expect(list).toHaveAttribute('tabindex', '0');
    await user().tab();
    expect(list).toHaveFocus();
  });

  it('honours maxLogLines and showLogs={false}', () => {
    const { rerender } = render(<VideoJobProgress job={makeJob({ status: 'running', logs })} maxLogLines={2} />);
    expect(screen.getAllByRole('listitem', { hidden: true }).map((item) => item.textContent)).toEqual([
      'step 4',
      'step 5',
    ]);
    rerender(<VideoJobProgress job={makeJob({ status: 'running', logs })} showLogs={false} />);
    expect(screen.queryByText('Logs (7)')).not.toBeInTheDocument();
  });
});

describe('VideoJobProgress, labels', () => {
  const german: Partial<VideoJobProgressLabels> = {
    group: 'Videoerstellung',
    progressbar: 'Fortschritt',
    queued: (position) => `In der Warteschlange – Platz ${position}`,
    running: (percent) => `Wird erstellt – ${percent} %`,
    completed: 'Fertig',
    failed: (kind) => `Fehlgeschlagen (${kind})`,
    details: 'Einzelheiten',
    cancelled: 'Abgebrochen',
    stopped: 'Nicht mehr verfolgt',
    stoppedNote: 'Der Anbieter kann den Auftrag nicht stoppen.',
    failedAfter: (ms) => `Fehlgeschlagen nach ${ms / 1000} s`,
    elapsed: (ms) => `Vergangen: ${ms / 1000} s`,
    took: (ms) => `Dauer: ${ms / 1000} s`,
    remaining: () => `Noch etwa eine Minute`,
    stalled: () => 'Die Warteschlange steht still.',
    logs: (count) => `Protokoll (${count})`,
    cancel: 'Abbrechen',
    cancelling: 'Wird abgebrochen…',
    retry: 'Erneut versuchen',
    announceQueued: 'In der Warteschlange',
    announceRunning: 'Gestartet',
    announceCompleted: 'Video fertig',
    announceFailed: (kind) => `Fehler: ${kind}`,
    announceCancelled: 'Abgebrochen',
    idle: 'Noch nicht gestartet',
    submitting: 'Wird gesendet…',
    uploadProgressbar: 'Hochladen',
    uploading: (percent) => `Bild wird hochgeladen – ${percent} %`,
    uploaded: (loaded, total) => `${loaded} von ${total} Bytes`,
    announceUploading: 'Bild wird hochgeladen',
  };

  it('replaces every visible and announced string', async () => {
    const { rerender } = render(
      <VideoJobProgress
        labels={german}
        job={makeJob({ queuePosition: 0, stalledSince: NOW - 1, logs: ['x'] })}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByRole('group', { name: 'Videoerstellung' })).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Fortschritt' })).toBeInTheDocument();
    expect(screen.getByText('In der Warteschlange – Platz 1')).toBeInTheDocument();
    expect(screen.getByText('Vergangen: 42 s')).toBeInTheDocument();
    expect(screen.getByText('Die Warteschlange steht still.')).toBeInTheDocument();
    expect(screen.getByText('Protokoll (1)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Abbrechen' })).toBeInTheDocument();
    await settle();
    expect(announcer()).toHaveTextContent('In der Warteschlange');

    rerender(
      <VideoJobProgress
        labels={german}
        job={makeJob({ status: 'running', progress: 0.5, startedAt: NOW - 10_000 })}
        onCancel={() => {}}
        cancelling
      />,
    );
    expect(screen.getByText('Wird erstellt – 50 %')).toBeInTheDocument();
    expect(screen.getByText('Noch etwa eine Minute')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Wird abgebrochen…' })).toBeInTheDocument();
    expect(announcer()).toHaveTextContent('Gestartet');

    rerender(<VideoJobProgress labels={german} job={completedJob()} />);
    expect(screen.getByText('Fertig')).toBeInTheDocument();
    expect(screen.getByText('Dauer: 40 s')).toBeInTheDocument();
    expect(announcer()).toHaveTextContent('Video fertig');

    rerender(<VideoJobProgress labels={german} job={failedJob('kaputt')} onRetry={() => {}} />);
    expect(screen.getByText('Fehlgeschlagen (provider_failed)')).toBeInTheDocument();
    expect(screen.getByText('Fehlgeschlagen nach 42 s')).toBeInTheDocument();
    expect(screen.getByText('Einzelheiten')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Erneut versuchen' })).toBeInTheDocument();
    expect(announcer()).toHaveTextContent('Fehler: provider_failed');

    rerender(
      <VideoJobProgress
        labels={german}
        job={makeJob({ status: 'cancelled', cancellation: { remote: 'unsupported' } })}
      />,
    );
    expect(screen.getByText('Nicht mehr verfolgt', { selector: '[data-part="status"]' })).toBeInTheDocument();
    expect(screen.getByText('Der Anbieter kann den Auftrag nicht stoppen.')).toBeInTheDocument();

    rerender(<VideoJobProgress labels={german} state={{ status: 'idle' }} />);
    expect(screen.getByText('Noch nicht gestartet')).toBeInTheDocument();
    rerender(<VideoJobProgress labels={german} state={{ status: 'submitting' }} />);
    expect(screen.getByText('Wird gesendet…')).toBeInTheDocument();
    rerender(<VideoJobProgress labels={german} state={{ status: 'uploading', upload: { loaded: 50, total: 200 } }} />);
    expect(screen.getByText('Bild wird hochgeladen – 25 %')).toBeInTheDocument();
    expect(screen.getByText('50 von 200 Bytes')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Hochladen' })).toBeInTheDocument();
    expect(announcer()).toHaveTextContent('Bild wird hochgeladen');
  });
});

describe('VideoJobProgress, accessibility (axe)', () => {
  const states = {
    idle: <VideoJobProgress state={{ status: 'idle' }} />,
    submitting: <VideoJobProgress state={{ status: 'submitting' }} onCancel={() => {}} />,
    uploading: (
      <VideoJobProgress
        state={{ status: 'uploading', upload: { loaded: 276_000, total: 690_000 }, elapsedMs: 2_000 }}
        onCancel={() => {}}
      />
    ),
    queued: <VideoJobProgress job={makeJob({ queuePosition: 4, logs: ['waiting'] })} onCancel={() => {}} />,
    stalled: <VideoJobProgress job={makeJob({ queuePosition: 40, stalledSince: NOW - 200_000 })} onCancel={() => {}} />,
    'running, determinate': (
      <VideoJobProgress
        job={makeJob({ status: 'running', progress: 0.6, startedAt: NOW - 9_000 })}
        onCancel={() => {}}
      />
    ),
    'running, indeterminate': <VideoJobProgress job={makeJob({ status: 'running' })} onCancel={() => {}} />,
    cancelling: <VideoJobProgress job={makeJob({ status: 'running' })} onCancel={() => {}} cancelling />,
    completed: <VideoJobProgress job={completedJob()} />,
    failed: <VideoJobProgress job={failedJob('x'.repeat(400))} onRetry={() => {}} />,
    cancelled: <VideoJobProgress job={makeJob({ status: 'cancelled' })} />,
  };

  it.each(Object.entries(states))('has no violations: %s', async (_name, element) => {
    vi.useRealTimers();
    const { container } = render(element);
    expect(await axeViolations(container)).toEqual([]);
  });
});

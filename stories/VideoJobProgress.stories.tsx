import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, within } from 'storybook/test';
import type { JobSnapshot } from '../src/core/jobSnapshot';
import { VideoJobError } from '../src/core/videoJobError';
import { VideoJobProgress } from '../src/components/VideoJobProgress';
import type { VideoJobProgressLabels } from '../src/components/videoJobProgressLabels';
import { completed, failed, job, LONG_REASON, queued, running } from './fixtures';

const typicalMinute = { mu: Math.log(62_000), sigma: 0.3, count: 6, median: 62_000, p10: 42_000, p90: 91_000 };

const meta = {
  title: 'Components/VideoJobProgress',
  component: VideoJobProgress,
  decorators: [
    (Story) => (
      <div className="sb-column">
        <Story />
      </div>
    ),
  ],
  args: { onCancel: () => {}, onRetry: () => {} },
} satisfies Meta<typeof VideoJobProgress>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Idle: Story = { args: { state: { status: 'idle' } } };

export const Submitting: Story = { args: { state: { status: 'submitting', elapsedMs: 600 } } };

/** The start image is on its way (`useVideoGeneration` reports `status: 'uploading'` and `upload`): Cancel stops it. */
export const Uploading: Story = {
  args: { state: { status: 'uploading', upload: { loaded: 276_000, total: 690_000 }, elapsedMs: 2_400 } },
};

export const Queued: Story = { render: (args) => <VideoJobProgress {...args} job={queued(2)} /> };

export const LongQueue: Story = {
  render: (args) => <VideoJobProgress {...args} job={job({ queuePosition: 127, agoMs: 263_000 })} />,
};

export const Stalled: Story = {
  render: (args) => (
    <VideoJobProgress {...args} job={job({ queuePosition: 14, agoMs: 401_000, stalledSince: Date.now() - 184_000 })} />
  ),
};

export const RunningDeterminate: Story = {
  render: (args) => <VideoJobProgress {...args} job={running(0.42)} />,
};

/** The client's duration model knows this model usually runs about a minute: said while nothing closer is known. */
export const QueuedWithEstimate: Story = {
  render: (args) => <VideoJobProgress {...args} job={queued(2)} estimate={typicalMinute} />,
};

/** Less than 1.5 s left: no "About 0 s left" countdown. */
export const Finishing: Story = {
  render: (args) => <VideoJobProgress {...args} job={running(0.99)} />,
};

export const RunningIndeterminate: Story = {
  render: (args) => <VideoJobProgress {...args} job={running(undefined)} />,
};

export const LogsOpen: Story = {
  render: (args) => <VideoJobProgress {...args} job={running(0.58)} />,
  play: async ({ canvasElement }) => {
    await userEvent.click(within(canvasElement).getByText(/^Logs/));
    await expect(canvasElement.querySelector('details')).toHaveAttribute('open');
  },
};

export const Cancelling: Story = {
  render: (args) => <VideoJobProgress {...args} job={running(0.63)} cancelling />,
};

export const Completed: Story = { render: (args) => <VideoJobProgress {...args} job={completed()} /> };

export const Failed: Story = { render: (args) => <VideoJobProgress {...args} job={failed()} /> };

export const FailedLongErrorText: Story = {
  render: (args) => <VideoJobProgress {...args} job={failed(LONG_REASON)} />,
};

export const Cancelled: Story = {
  render: (args) => <VideoJobProgress {...args} job={job({ status: 'cancelled', agoMs: 17_000 })} />,
};

/** Kling, OpenAI-style, visgate: the provider cannot cancel, so we only stopped following; it may still finish. */
export const StoppedFollowingCannotCancel: Story = {
  render: (args) => (
    <VideoJobProgress
      {...args}
      job={job({ status: 'cancelled', cancellation: { remote: 'unsupported' } })}
      onCheckAgain={() => {}}
    />
  ),
};

/** A request fault: a short sentence; the request and the job id behind Details (opened here). */
export const FailedRequestFault: Story = {
  render: (args) => (
    <VideoJobProgress
      {...args}
      state={{
        job: job({
          status: 'failed',
          agoMs: 37_000,
          completedAt: Date.now(),
          error: new VideoJobError({
            kind: 'http',
            status: 500,
            message: 'POST /fal/fal-ai/veo3 answered 500: "Internal server error"',
            provider: 'fal',
          }),
        }),
      }}
    />
  ),
  play: async ({ canvasElement }) => {
    await userEvent.click(within(canvasElement).getByText('Details'));
    await expect(canvasElement.querySelector('details[data-part="details"]')).toHaveAttribute('open');
  },
};

/** Following gave up (the hook's `timeout`): the job may still finish remotely, so Cancel stays. */
export const StoppedFollowing: Story = {
  render: (args) => (
    <VideoJobProgress
      {...args}
      state={{
        job: running(0.35),
        status: 'running',
        error: new VideoJobError({ kind: 'timeout', message: 'watching timed out after 10 min', provider: 'fal' }),
      }}
    />
  ),
};

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} ث`;

/** Every label in Arabic: nothing falls back to English. */
const arabic: VideoJobProgressLabels = {
  group: 'إنشاء الفيديو',
  progressbar: 'تقدم الإنشاء',
  uploadProgressbar: 'تقدم الرفع',
  idle: 'لم يبدأ بعد',
  uploading: (percent) => (percent === undefined ? 'جارٍ رفع الصورة…' : `جارٍ رفع الصورة – ${percent}٪`),
  uploaded: (loaded, total) => `${Math.round(loaded / 1000)} من ${Math.round(total / 1000)} ك.ب`,
  submitting: 'جارٍ الإرسال…',
  queued: (position) => (position === undefined ? 'في قائمة الانتظار' : `في قائمة الانتظار – المركز ${position}`),
  running: (percent) => (percent === undefined ? 'جارٍ الإنشاء…' : `جارٍ الإنشاء – ${percent}٪`),
  completed: 'اكتمل',
  failed: (kind) =>
    kind === 'network' || kind === 'http' || kind === 'rate_limited'
      ? 'تعذّر الوصول إلى المزوّد.'
      : 'تعذّر إنشاء الفيديو.',
  details: 'التفاصيل',
  jobId: 'معرّف المهمة',
  copyJobId: 'نسخ معرّف المهمة',
  copied: 'نُسخ',
  cancelled: 'أُلغي',
  stopped: 'توقفت المتابعة',
  stoppedNote: 'لا يستطيع المزوّد إيقاف هذه المهمة، فقد تكتمل. لم تعد تُتابَع هنا.',
  cancelNote: (remote) => (remote === 'requested' ? 'يوقف المزوّد المهمة؛ قد تكتمل رغم ذلك.' : undefined),
  elapsed: (ms) => `مضى ${seconds(ms)}`,
  took: (ms) => `استغرق ${seconds(ms)}`,
  failedAfter: (ms) => `فشل بعد ${seconds(ms)}`,
  stoppedAfter: (ms) => `توقف بعد ${seconds(ms)}`,
  remaining: (ms) => `متبقٍ نحو ${seconds(ms)}`,
  finishing: 'يوشك على الانتهاء…',
  queueRemaining: (ms) => `نحو ${seconds(ms)} في قائمة الانتظار`,
  typical: (ms) => `يستغرق عادةً نحو ${seconds(ms)}`,
  stalled: () => 'لم تتحرك قائمة الانتظار منذ مدة. ما زالت المهمة تنتظر؛ يمكنك الانتظار أو الإلغاء.',
  timedOut: 'توقفت متابعة هذه المهمة لأنها استغرقت وقتًا طويلًا. قد تكتمل لدى المزوّد.',
  logs: (count) => `السجل (${count})`,
  logLines: 'أحدث أسطر السجل',
  cancel: 'إلغاء',
  cancelling: 'جارٍ الإلغاء…',
  retry: 'إعادة المحاولة',
  runAgain: 'تشغيل مرة أخرى',
  checkAgain: 'التحقق مجددًا',
  announceUploading: 'جارٍ رفع الصورة',
  announceUploaded: 'رُفعت الصورة',
  announceUploadCancelled: 'أُلغي الرفع',
  announceQueued: 'أُضيف الفيديو إلى قائمة الانتظار',
  announceRunning: 'بدأ إنشاء الفيديو',
  announceCompleted: 'الفيديو جاهز',
  announceFailed: () => 'فشل إنشاء الفيديو',
  announceCancelled: 'أُلغي إنشاء الفيديو',
  announceStopped: 'توقفت متابعة إنشاء الفيديو',
};

/** Right to left, with Arabic labels: the bar fills from the right, the actions sit on the left. */
export const RightToLeft: Story = {
  globals: { dir: 'rtl' },
  render: (args) => (
    <>
      <VideoJobProgress {...args} labels={arabic} job={running(0.42)} />
      <VideoJobProgress
        {...args}
        labels={arabic}
        state={{ status: 'uploading', upload: { loaded: 276_000, total: 690_000 }, elapsedMs: 2_400 }}
      />
      <VideoJobProgress
        {...args}
        labels={arabic}
        job={job({ queuePosition: 4, agoMs: 300_000, stalledSince: Date.now() - 150_000 })}
      />
      <VideoJobProgress {...args} labels={arabic} state={{ status: 'idle' }} />
      <VideoJobProgress {...args} labels={arabic} job={failed()} />
      <VideoJobProgress
        {...args}
        labels={arabic}
        job={job({ status: 'cancelled', cancellation: { remote: 'unsupported' } })}
        onCheckAgain={() => {}}
      />
    </>
  ),
};

/** Every state in the dark theme. */
export const Dark: Story = {
  globals: { theme: 'dark' },
  render: (args) => (
    <>
      <VideoJobProgress
        {...args}
        state={{ status: 'uploading', upload: { loaded: 276_000, total: 690_000 }, elapsedMs: 2_400 }}
      />
      <VideoJobProgress {...args} job={queued(2)} />
      <VideoJobProgress {...args} job={job({ queuePosition: 9, agoMs: 250_000, stalledSince: Date.now() - 130_000 })} />
      <VideoJobProgress {...args} job={running(0.42)} />
      <VideoJobProgress {...args} job={completed()} />
      <VideoJobProgress {...args} job={failed()} />
      <VideoJobProgress {...args} job={job({ status: 'cancelled' })} />
      <VideoJobProgress
        {...args}
        job={job({ status: 'cancelled', cancellation: { remote: 'unsupported' } })}
        onCheckAgain={() => {}}
      />
    </>
  ),
};

/**
 * A job that moves on its own (queue, progress, end) and can be cancelled: the keyboard test tabs to Cancel
 * and presses Enter here.
 */
export const Interactive: Story = {
  render: function Interactive(args) {
    const [snapshot, setSnapshot] = useState<JobSnapshot>(() => queued(3));
    const [cancelling, setCancelling] = useState(false);
    useEffect(() => {
      if (snapshot.status === 'cancelled' || snapshot.status === 'completed') return undefined;
      const timer = setTimeout(() => {
        const position = snapshot.queuePosition ?? 0;
        if (snapshot.status === 'queued' && position > 0) setSnapshot(queued(position - 1));
        else {
          const progress = Math.min(1, (snapshot.progress ?? 0) + 0.04);
          setSnapshot(progress >= 1 ? completed() : running(progress));
        }
      }, 800);
      return () => clearTimeout(timer);
    }, [snapshot]);
    return (
      <VideoJobProgress
        {...args}
        job={snapshot}
        cancelling={cancelling}
        onCancel={() => {
          setCancelling(true);
          // The provider takes a moment to confirm.
          setTimeout(() => {
            setCancelling(false);
            setSnapshot(job({ status: 'cancelled' }));
          }, 400);
        }}
        onRetry={() => setSnapshot(queued(3))}
      />
    );
  },
};

import type { Meta, StoryObj } from '@storybook/react-vite';
import { VideoPlayer } from '../src/components/VideoPlayer';
import { completed, job, sampleVideoUrl } from './fixtures';

const meta = {
  title: 'Components/VideoPlayer',
  component: VideoPlayer,
  decorators: [
    (Story) => (
      <div className="sb-column">
        <Story />
      </div>
    ),
  ],
  args: { onError: () => {} },
} satisfies Meta<typeof VideoPlayer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A finished job: sized from the job's width and height, with a download link. */
export const Ready: Story = {
  render: (args) => <VideoPlayer {...args} job={completed()} download />,
};

export const AutoPlayMutedLoop: Story = {
  render: (args) => <VideoPlayer {...args} job={completed()} autoPlay loop />,
};

/** Until the media can play. (A MediaSource that never receives data keeps it loading.) */
export const Loading: Story = {
  render: (args) => <VideoPlayer {...args} src={URL.createObjectURL(new MediaSource())} aspectRatio="16 / 9" />,
};

/** The job is under way: a skeleton frame where the video will be, with a slow shimmer. */
export const Waiting: Story = {
  render: (args) => <VideoPlayer {...args} job={job({ status: 'running', progress: 0.3 })} />,
};

/** Before there is a job: the hook's `status` prop keeps the frame waiting while the start image uploads. */
export const WaitingForUpload: Story = {
  render: (args) => <VideoPlayer {...args} status="uploading" aspectRatio="16 / 9" />,
};

export const NoVideoYet: Story = {
  render: (args) => <VideoPlayer {...args} />,
};

/** A signed URL that has expired: a fresh job record is fetched (slowly, here) and its URL played. */
export const ExpiredUrlRefreshed: Story = {
  render: (args) => (
    <VideoPlayer
      {...args}
      job={completed({ url: 'https://cdn.example.invalid/expired.mp4', expiresAt: Date.now() - 60_000 })}
      onRefresh={() =>
        new Promise((resolve) => setTimeout(() => resolve(completed({ expiresAt: Date.now() + 3_600_000 })), 1_200))
      }
    />
  ),
};

/** The URL has expired and the fresh record cannot be had: the error state, with Retry. */
export const ExpiredUrlRefreshFails: Story = {
  render: (args) => (
    <VideoPlayer
      {...args}
      job={completed({ url: 'https://cdn.example.invalid/expired.mp4', expiresAt: Date.now() - 60_000 })}
      onRefresh={() => Promise.reject(new Error('the provider no longer knows this job'))}
    />
  ),
};

/** The media fails to load (these bytes are not a video) and there is no way to refresh it. */
export const LoadError: Story = {
  render: (args) => (
    <VideoPlayer {...args} src={URL.createObjectURL(new Blob(['not a video'], { type: 'video/mp4' }))} />
  ),
};

/** A `javascript:` URL from a provider is never rendered; the player shows an error instead. */
export const UnsafeUrl: Story = {
  render: (args) => <VideoPlayer {...args} job={completed({ url: 'javascript:alert(document.cookie)' })} download />,
};

export const Portrait: Story = {
  render: (args) => (
    <div style={{ maxInlineSize: 260 }}>
      <VideoPlayer {...args} src={sampleVideoUrl()} aspectRatio="9 / 16" />
    </div>
  ),
};

export const RightToLeft: Story = {
  globals: { dir: 'rtl' },
  render: (args) => (
    <VideoPlayer
      {...args}
      job={completed()}
      download
      labels={{ video: 'الفيديو المُنشأ', download: 'تنزيل الفيديو', loading: 'جارٍ تحميل الفيديو…' }}
    />
  ),
};

export const Dark: Story = {
  globals: { theme: 'dark' },
  render: (args) => (
    <>
      <VideoPlayer {...args} job={completed()} download />
      <VideoPlayer {...args} job={job({ status: 'running' })} />
      <VideoPlayer {...args} job={completed({ url: 'javascript:void 0' })} />
    </>
  ),
};

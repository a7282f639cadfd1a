import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import type { JobSnapshot } from '../src/core/jobSnapshot';
import { VideoJobError } from '../src/core/videoJobError';
import type { VideoJobGalleryItem } from '../src/components/VideoJobGallery';
import { VideoJobGallery } from '../src/components/VideoJobGallery';
import { completed, job } from './fixtures';

const MINUTE = 60_000;

function ref(id: string, model = 'fal-ai/veo3') {
  return { provider: 'fal', id, model };
}

function entry(snapshot: JobSnapshot, prompt: string, endedAgoMs?: number): VideoJobGalleryItem {
  const now = Date.now();
  return {
    key: `${snapshot.provider}:${snapshot.id}`,
    ref: snapshot.ref,
    job: snapshot,
    since: now - (endedAgoMs ?? 0) - 70_000,
    ...(endedAgoMs === undefined ? {} : { finishedAt: now - endedAgoMs }),
    input: { prompt },
  };
}

/** Many past jobs, as a returning visitor finds them: finished, failed, cancelled, and one still under way. */
function history(): VideoJobGalleryItem[] {
  const done = (id: string, model?: string) => ({ ...completed(), ref: ref(id, model), id, ...(model && { model }) });
  return [
    entry(job({ ref: ref('run-6'), status: 'running', progress: 0.4, agoMs: 30_000 }), 'Paper boats on a rainy street'),
    entry(done('run-5'), 'A red fox trotting through fresh snow at dawn', 3 * MINUTE),
    entry(done('run-4', 'fal-ai/kling-video/v2.1'), 'Time-lapse of a city skyline from dusk to night', 18 * MINUTE),
    entry(
      job({
        ref: ref('run-3'),
        status: 'failed',
        completedAt: Date.now() - 42 * MINUTE,
        error: new VideoJobError({ kind: 'provider_failed', message: 'Flagged by the safety checker' }),
      }),
      'Close-up of a hummingbird drinking nectar',
      42 * MINUTE,
    ),
    entry(
      job({ ref: ref('run-2'), status: 'cancelled', completedAt: Date.now() - 65 * MINUTE }),
      'Drone shot over a lavender field',
      65 * MINUTE,
    ),
    entry(done('run-1'), 'Waves rolling onto a black sand beach', 3 * 60 * MINUTE),
  ];
}

const meta = {
  title: 'Components/VideoJobGallery',
  component: VideoJobGallery,
  decorators: [
    (Story) => (
      <div className="sb-column" style={{ maxInlineSize: 960 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof VideoJobGallery>;

export default meta;
type Story = StoryObj<typeof meta>;

let runs = 0;

/**
 * Past jobs with their actions. Run again starts a new (simulated) job at the top of the list with the same prompt;
 * Remove takes a job out. Download and Copy link are offered for finished videos only.
 */
export const History: Story = {
  render: function Render(args) {
    const [jobs, setJobs] = useState(history);
    return (
      <VideoJobGallery
        {...args}
        jobs={jobs}
        onRunAgain={(item) => {
          const again = job({
            ref: ref(`again-${++runs}`, item.ref.model),
            status: 'queued',
            queuePosition: 1,
            agoMs: 0,
          });
          setJobs((list) => [{ ...entry(again, String(item.input?.prompt ?? '')), since: Date.now() }, ...list]);
        }}
        onRemove={(item) => setJobs((list) => list.filter((other) => other.key !== item.key))}
      />
    );
  },
};

export const Empty: Story = { args: { jobs: [] } };

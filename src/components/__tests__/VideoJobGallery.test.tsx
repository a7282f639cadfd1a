// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createVideoClient } from '../../core/createVideoClient';
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { VideoClient } from '../../core/videoClient';
import { fal } from '../../providers/fal';
import { memoryJSONStorage } from '../../react/__tests__/jsonStorage';
import { VideoJobsProvider } from '../../react/VideoJobsProvider';
import { createSimulator, type Simulator } from '../../testing/createSimulator';
import { sampleImageFile } from '../../testing/sampleImage';
import { VideoJobGallery, type VideoJobGalleryItem } from '../VideoJobGallery';
import { axeViolations } from './axe';
import { completedJob, failedJob, makeJob, NOW } from './jobFixture';

function item(job: JobSnapshot, extra: Partial<VideoJobGalleryItem> = {}): VideoJobGalleryItem {
  return { key: `${job.provider}:${job.id}`, ref: job.ref, job, since: NOW - 60_000, ...extra };
}

const done = (id: string, video: Partial<NonNullable<JobSnapshot['video']>> = {}) => {
  const job = completedJob({ url: `https://cdn.example.com/v/${id}.mp4`, fileName: `${id}.mp4`, ...video });
  const ref = { ...job.ref, id };
  return item({ ...job, ref, id }, { finishedAt: NOW - 180_000 });
};

/** A JSON storage over a Map; `data` holds the text. */
function memoryStorage() {
  const { data, storage } = memoryJSONStorage();
  return Object.assign(storage, { data });
}

describe('VideoJobGallery, given jobs', () => {
  it('lists each job as a labelled item with its video, status and actions', async () => {
    const onRunAgain = vi.fn();
    const jobs = [
      done('a', { url: 'https://cdn.example.com/v/a.mp4' }),
      item(failedJob(), { input: { prompt: 'a red fox in snow' } }),
      item(makeJob({ status: 'running', progress: 0.42 })),
    ];
    const { container } = render(<VideoJobGallery jobs={jobs} onRunAgain={onRunAgain} />);

    const list = screen.getByRole('list', { name: 'Your videos' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveAccessibleName('fal-ai/veo3 Ready');
    expect(items[1]).toHaveAccessibleName('a red fox in snow Failed');
    expect(items[2]).toHaveAccessibleName('fal-ai/veo3 Generating – 42 %');

    const video = within(items[0]!).getByLabelText('Video: fal-ai/veo3');
    expect(video).toHaveAttribute('src', 'https://cdn.example.com/v/a.mp4');
    expect(video).toHaveAttribute('preload', 'metadata');
    expect(within(items[0]!).getByRole('link', { name: 'Download' })).toHaveAttribute(
      'href',
      'https://cdn.example.com/v/a.mp4',
    );
    expect(within(items[0]!).getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    // A failed job has nothing to download or copy; a running one cannot be run again yet.
    expect(within(items[1]!).queryByRole('link', { name: 'Download' })).not.toBeInTheDocument();
    expect(within(items[2]!).queryByRole('button', { name: 'Run again' })).not.toBeInTheDocument();

    await userEvent.click(within(items[1]!).getByRole('button', { name: 'Run again' }));
    expect(onRunAgain).toHaveBeenCalledWith(expect.objectContaining({ input: { prompt: 'a red fox in snow' } }));
    expect(await axeViolations(container)).toEqual([]);
  });

  it('uses a poster when given, and only https:, http: and blob: URLs reach src or href', () => {
    render(
      <VideoJobGallery
        jobs={[done('x', { url: 'javascript:alert(1)' }), done('y')]}
        poster={(job) => (job.ref.id === 'y' ? 'https://cdn.example.com/p/y.jpg' : 'javascript:alert(2)')}
      />,
    );
    const [unsafe, safe] = screen.getAllByRole('listitem');
    expect(within(unsafe!).queryByRole('link')).not.toBeInTheDocument();
    expect(within(unsafe!).queryByRole('button', { name: 'Copy link' })).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toMatch(/javascript:/);
    expect(within(safe!).getByLabelText('Video: fal-ai/veo3')).toHaveAttribute(
      'poster',
      'https://cdn.example.com/p/y.jpg',
    );
  });

  it('when Copy link is pressed, puts the URL on the clipboard and says so', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    render(<VideoJobGallery jobs={[done('a')]} />);
    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(writeText).toHaveBeenCalledWith('https://cdn.example.com/v/a.mp4');
    expect(screen.getByText('Link copied')).toHaveAttribute('role', 'status');
    writeText.mockRejectedValueOnce(new Error('denied'));
    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(screen.getByText('The link could not be copied')).toHaveAttribute('role', 'status');
  });

  it('when Remove is pressed, takes the item out and moves focus to the next one, then to the empty state', async () => {
    const user = userEvent.setup();
    const onRemove = vi.fn();
    render(<VideoJobGallery jobs={[done('a'), done('b')]} onRemove={onRemove} />);
    const [first] = screen.getAllByRole('listitem');
    await user.click(within(first!).getByRole('button', { name: 'Remove' }));
    expect(onRemove).toHaveBeenCalledWith(expect.objectContaining({ key: 'fal:a' }));
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('listitem')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    expect(screen.getByText('No videos yet')).toHaveFocus();
  });

  it('lists at most maxItems jobs', () => {
    render(<VideoJobGallery jobs={[done('a'), done('b'), done('c')]} maxItems={2} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
  });
});

describe('VideoJobGallery, inside a VideoJobsProvider', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(sim: Simulator = createSimulator({ job: { queueMs: 0, runMs: 2_000 } })) {
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
      random: () => 0.5,
    });
    return { sim, client };
  }

  async function runJob(client: VideoClient, prompt: string): Promise<JobSnapshot> {
    let job!: JobSnapshot;
    await act(async () => {
      const first = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt } });
      const waiting = client.wait(first.ref);
      await vi.advanceTimersByTimeAsync(10_000);
      job = await waiting;
    });
    return job;
  }

  it('lists the jobs the client follows, keeps the finished ones in storage, bounded, and shows them after a reload', async () => {
    const storage = memoryStorage();
    const { sim, client } = setup();
    const view = render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoJobGallery persist={{ storage }} maxItems={2} />
      </VideoJobsProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(screen.getByText('No videos yet')).toBeInTheDocument();
    for (const prompt of ['one', 'two', 'three']) await runJob(client, prompt);
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
    const stored = JSON.parse(storage.data.get('react-video-jobs:history')!) as { jobs: { status: string }[] };
    expect(stored.jobs).toHaveLength(2);
    expect(stored.jobs.every((job) => job.status === 'completed')).toBe(true);
    view.unmount();

    // A reload: a new client, whose store knows no job, and the same storage.
    const reloaded = setup(sim);
    render(
      <VideoJobsProvider client={reloaded.client} storage={null}>
        <VideoJobGallery persist={{ storage }} maxItems={2} />
      </VideoJobsProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    // Titled with the prompt the client kept in each ref.
    expect(items[0]).toHaveAccessibleName('three Ready');
    expect(items[1]).toHaveAccessibleName('two Ready');
    expect(within(items[0]!).getByRole('link', { name: 'Download' })).toHaveAttribute('href');
  });

  it('Remove drops a job from the list and from storage; the job is not cancelled', async () => {
    const storage = memoryStorage();
    const { client } = setup();
    const cancel = vi.spyOn(client, 'cancel');
    render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoJobGallery persist={{ storage }} />
      </VideoJobsProvider>,
    );
    await runJob(client, 'one');
    await runJob(client, 'two');
    const [newest] = screen.getAllByRole('listitem');
    act(() => within(newest!).getByRole('button', { name: 'Remove' }).click());
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    const stored = JSON.parse(storage.data.get('react-video-jobs:history')!) as { jobs: unknown[] };
    expect(stored.jobs).toHaveLength(1);
    expect(cancel).not.toHaveBeenCalled();
  });

  it('with persist={false} stores nothing, though the provider has a storage', async () => {
    const storage = memoryStorage();
    const setItem = vi.spyOn(storage, 'setItem');
    const { client } = setup();
    render(
      <VideoJobsProvider client={client} storage={storage}>
        <VideoJobGallery persist={false} />
      </VideoJobsProvider>,
    );
    await runJob(client, 'one');
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(storage.data.has('react-video-jobs:history')).toBe(false);
    expect(setItem.mock.calls.filter(([key]) => key === 'react-video-jobs:history')).toEqual([]);
  });

  it("keeps the history in the provider's storage by default; a provider with storage={null} keeps none", async () => {
    const storage = memoryStorage();
    const { sim, client } = setup();
    const view = render(
      <VideoJobsProvider client={client} storage={storage}>
        <VideoJobGallery />
      </VideoJobsProvider>,
    );
    await runJob(client, 'one');
    const stored = JSON.parse(storage.data.get('react-video-jobs:history')!) as { jobs: { ref: { input: unknown } }[] };
    expect(stored.jobs.map((job) => job.ref.input)).toEqual([{ prompt: 'one' }]);
    view.unmount();

    localStorage.clear();
    const other = setup(sim);
    render(
      <VideoJobsProvider client={other.client} storage={null}>
        <VideoJobGallery />
      </VideoJobsProvider>,
    );
    await runJob(other.client, 'two');
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(localStorage.length).toBe(0);
  });

  it('Run again hands over the input: the prompt, and the start image by the URL it was uploaded to', async () => {
    const { sim, client } = setup();
    const onRunAgain = vi.fn();
    render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoJobGallery onRunAgain={onRunAgain} />
      </VideoJobsProvider>,
    );
    await act(async () => {
      const image = sampleImageFile({ width: 640, height: 360 });
      const model = 'fal-ai/kling-video/v2.1/master/image-to-video';
      const first = await client.submit({ provider: 'fal', model, input: { prompt: 'a fox', image } });
      const waiting = client.wait(first.ref);
      await vi.advanceTimersByTimeAsync(10_000);
      await waiting;
    });
    act(() => screen.getByRole('button', { name: 'Run again' }).click());
    const url = sim.uploads()[0]!.url;
    expect(onRunAgain).toHaveBeenCalledWith(expect.objectContaining({ input: { prompt: 'a fox', image: url } }));
  });

  describe('in two tabs of one browser (one localStorage)', () => {
    beforeEach(() => localStorage.clear());
    afterEach(() => vi.unstubAllGlobals());

    function openTabs(sim?: Simulator) {
      const a = setup(sim);
      const b = setup(a.sim);
      const tab = (client: VideoClient, name: string) =>
        render(
          <VideoJobsProvider client={client}>
            <VideoJobGallery aria-label={name} />
          </VideoJobsProvider>,
        ).container;
      return { sim: a.sim, a: { client: a.client, view: tab(a.client, 'Tab A') }, b: tab(b.client, 'Tab B') };
    }

    // jsdom is one window: the test dispatches the event a browser fires in the other tabs after a write.
    async function storageEvent() {
      act(() => void window.dispatchEvent(new StorageEvent('storage', { key: 'react-video-jobs:history' })));
      await act(() => vi.advanceTimersByTimeAsync(0));
    }

    it('through the storage event: a job that ends in one tab shows in the other; Remove in that one takes it from both', async () => {
      vi.stubGlobal('BroadcastChannel', undefined);
      const { a, b } = openTabs();
      await act(() => vi.advanceTimersByTimeAsync(0));
      await runJob(a.client, 'from tab a');
      expect(within(b).getByText('No videos yet')).toBeInTheDocument();
      await storageEvent();
      expect(within(b).getByRole('listitem')).toHaveAccessibleName('from tab a Ready');
      expect(within(b).getByRole('link', { name: 'Download' })).toHaveAttribute('href');

      act(() => within(b).getByRole('button', { name: 'Remove' }).click());
      expect(within(a.view).getAllByRole('listitem')).toHaveLength(1);
      await storageEvent();
      expect(within(a.view).getByText('No videos yet')).toBeInTheDocument();
      expect(within(b).getByText('No videos yet')).toBeInTheDocument();
    });

    it('through BroadcastChannel, where there is one, with no storage event', async () => {
      if (typeof BroadcastChannel !== 'function') throw new Error('this runtime has no BroadcastChannel');
      const { a, b } = openTabs();
      await act(() => vi.advanceTimersByTimeAsync(0));
      await runJob(a.client, 'from tab a');
      // A channel message is a task of its own: real time has to pass for it to arrive.
      vi.useRealTimers();
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
      expect(within(b).getByRole('listitem')).toHaveAccessibleName('from tab a Ready');
    });
  });
});

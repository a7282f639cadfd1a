// @vitest-environment jsdom
import { act, render } from '@testing-library/react';
import { createVideoClient } from '../../core/createVideoClient';
import type { VideoClient } from '../../core/videoClient';
import { fal } from '../../providers/fal';
import { createJSONStorage } from '../../react/createJSONStorage';
import { VideoJobsProvider } from '../../react/VideoJobsProvider';
import { getVideoJobsStore } from '../../react/videoJobsStore';
import { createSimulator } from '../../testing/createSimulator';
import { requestJobNotifications, useJobEndNotice, type UseJobEndNoticeOptions } from '../useJobEndNotice';

let visibility: DocumentVisibilityState = 'visible';
const shown: { title: string; options?: NotificationOptions }[] = [];

class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = vi.fn(async () => FakeNotification.permission);
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    shown.push({ title, options });
  }
  close() {}
}

function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' });
  vi.stubGlobal('Notification', FakeNotification);
  FakeNotification.permission = 'granted';
  FakeNotification.requestPermission.mockClear();
  shown.length = 0;
  visibility = 'visible';
  document.title = 'Studio';
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function Notices(props: UseJobEndNoticeOptions) {
  useJobEndNotice(props);
  return null;
}

function setup(options: UseJobEndNoticeOptions = {}) {
  const sim = createSimulator({ job: { queueMs: 0, runMs: 2_000 } });
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
    random: () => 0.5,
  });
  const view = render(
    <VideoJobsProvider client={client} storage={null}>
      <Notices {...options} />
    </VideoJobsProvider>,
  );
  return { client, view };
}

async function runJob(client: VideoClient, { hideAfterSubmit = true } = {}) {
  await act(async () => {
    const first = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'x' } });
    if (hideAfterSubmit) setVisibility('hidden');
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    await waiting;
  });
}

describe('useJobEndNotice', () => {
  it('given a job that ends in a hidden tab, badges the title and shows a notification; showing the tab clears the badge', async () => {
    const { client } = setup();
    await runJob(client);
    expect(document.title).toBe('(1) Studio');
    expect(shown).toEqual([
      {
        title: 'Your video is ready',
        options: expect.objectContaining({ body: 'fal-ai/veo3' }) as NotificationOptions,
      },
    ]);
    await runJob(client);
    expect(document.title).toBe('(2) Studio');
    act(() => setVisibility('visible'));
    expect(document.title).toBe('Studio');
  });

  it('says nothing while the tab is visible', async () => {
    const { client } = setup();
    await runJob(client, { hideAfterSubmit: false });
    expect(document.title).toBe('Studio');
    expect(shown).toEqual([]);
  });

  it('never shows a notification without permission, and never asks for it itself', async () => {
    FakeNotification.permission = 'default';
    const { client } = setup();
    await runJob(client);
    expect(shown).toEqual([]);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    expect(document.title).toBe('(1) Studio');
  });

  it('can be turned off, wholly or in part, and turning it off restores the title', async () => {
    const { client, view } = setup({ notification: false });
    await runJob(client);
    expect(shown).toEqual([]);
    expect(document.title).toBe('(1) Studio');
    view.rerender(
      <VideoJobsProvider client={client} storage={null}>
        <Notices enabled={false} />
      </VideoJobsProvider>,
    );
    expect(document.title).toBe('Studio');
    await runJob(client);
    expect(document.title).toBe('Studio');
    expect(shown).toEqual([]);
  });

  it('keeps a title the app changed meanwhile, taking only its badge off', async () => {
    const { client } = setup();
    await runJob(client);
    document.title = '(1) Studio – 2 renders';
    act(() => setVisibility('visible'));
    expect(document.title).toBe('Studio – 2 renders');
  });
});

describe('requestJobNotifications', () => {
  it('asks only while the answer is open, and says when there are no notifications', async () => {
    FakeNotification.permission = 'default';
    FakeNotification.requestPermission.mockResolvedValueOnce('granted');
    await expect(requestJobNotifications()).resolves.toBe('granted');
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    FakeNotification.permission = 'denied';
    await expect(requestJobNotifications()).resolves.toBe('denied');
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    vi.stubGlobal('Notification', undefined);
    await expect(requestJobNotifications()).resolves.toBe('unsupported');
  });

  it('leaves a job that ended in another tab to that tab: it shows in the history here, with no badge or notification', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 2_000 } });
    const tab = () =>
      createVideoClient({
        providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
        fetch: sim.fetch,
        random: () => 0.5,
      });
    const storage = createJSONStorage<unknown>(() => localStorage)!;
    const other = tab();
    const here = tab();
    localStorage.clear();
    const sync = getVideoJobsStore(other)!.keepHistory({ storage, key: 'history', maxJobs: 10 });
    const kept = getVideoJobsStore(here)!.keepHistory({ storage, key: 'history', maxJobs: 10 });
    render(
      <VideoJobsProvider client={here} storage={null}>
        <Notices />
      </VideoJobsProvider>,
    );
    setVisibility('hidden');
    await act(async () => {
      getVideoJobsStore(other)!.connect();
      const first = await other.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'x' } });
      const waiting = other.wait(first.ref);
      await vi.advanceTimersByTimeAsync(10_000);
      await waiting;
      window.dispatchEvent(new StorageEvent('storage', { key: 'history' }));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(getVideoJobsStore(here)!.list().jobs).toEqual([expect.objectContaining({ restored: true })]);
    expect(document.title).toBe('Studio');
    expect(shown).toEqual([]);
    sync();
    kept();
  });
});

import { createVideoClient } from '../../core/createVideoClient';
import { createFakeProvider } from '../../core/__tests__/fakeProvider';
import { createSnapshot, type JobSnapshot } from '../../core/jobSnapshot';
import type { VideoClient } from '../../core/videoClient';
import type { HistorySync } from '../historySync';
import { openJobHistory, type PersistedJobHistory } from '../jobHistory';
import type { TrackedJob } from '../types';
import { memoryJSONStorage, throwingStorage } from './jsonStorage';
import { createVideoJobsStore, type HistoryHost, type VideoJobsStore } from '../videoJobsStore';

const KEY = 'react-video-jobs:history';
const DAY = 24 * 60 * 60 * 1000;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** One browser's localStorage, shared by the "tabs" of a test. */
function memoryStorage() {
  const { data, storage } = memoryJSONStorage<unknown>();
  const setItem = vi.spyOn(storage, 'setItem');
  const read = () => JSON.parse(data.get(KEY) ?? 'null') as PersistedJobHistory | null;
  return { data, storage, setItem, read };
}

/** The tabs' channel, delivering each notice to the other tabs after the writing one's task, as a browser does. */
function syncBus(): HistorySync {
  const peers = new Set<{ key: string; onChange: () => void }>();
  return {
    connect(key, onChange) {
      const peer = { key, onChange };
      peers.add(peer);
      return {
        notify: () => {
          for (const other of peers) if (other !== peer && other.key === key) queueMicrotask(other.onChange);
        },
        close: () => void peers.delete(peer),
      };
    },
  };
}

/** The provider's backend, which every tab talks to. */
let backend: ReturnType<typeof createFakeProvider>;
beforeEach(() => {
  backend = createFakeProvider({ queueMs: 0, runMs: 1000 });
});

/** A tab: its own client and store, as a page load makes them. */
function openTab(fake = backend) {
  const client = createVideoClient({ providers: { fake: fake.adapter } });
  const store = createVideoJobsStore(client);
  const disconnect = store.connect();
  return { client, store, disconnect };
}

async function runJob(client: VideoClient, prompt: string): Promise<JobSnapshot> {
  const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt } });
  const done = client.wait(first.ref);
  await vi.advanceTimersByTimeAsync(5_000);
  return done;
}

const prompts = (store: VideoJobsStore) => store.list().jobs.map((entry) => entry.ref.input?.prompt);

describe('VideoJobsStore.keepHistory', () => {
  it('keeps the finished jobs in storage, newest first and bounded: ref with the input, status, video; no payload', async () => {
    const { storage, read } = memoryStorage();
    const tab = openTab();
    tab.store.keepHistory({ storage, key: KEY, maxJobs: 2 });
    for (const prompt of ['one', 'two', 'three']) await runJob(tab.client, prompt);
    const running = await tab.client.submit({ provider: 'fake', model: 'm', input: { prompt: 'four' } });

    const file = read()!;
    expect(file.version).toBe(2);
    expect(file.jobs.map((record) => record.ref.input)).toEqual([{ prompt: 'three' }, { prompt: 'two' }]);
    expect(file.jobs[0]).toMatchObject({ status: 'completed', video: { url: expect.stringMatching(/\.mp4$/) } });
    expect(JSON.stringify(file)).not.toMatch(/polledAt|raw|logs/);
    // In memory too: the oldest finished job went, the active one stays.
    expect(prompts(tab.store)).toEqual(['two', 'three', 'four']);
    expect(tab.store.get(running.ref)?.job?.status).toBe('running');
  });

  it('after a reload, lists the kept jobs as restored, however long ago they ended', async () => {
    const { storage } = memoryStorage();
    const before = openTab();
    before.store.keepHistory({ storage, key: KEY, maxJobs: 24 });
    const done = await runJob(before.client, 'a fox');
    before.disconnect();

    await vi.advanceTimersByTimeAsync(3 * DAY);
    const after = openTab();
    const release = after.store.keepHistory({ storage, key: KEY, maxJobs: 24 });
    await vi.advanceTimersByTimeAsync(0);
    const [entry] = after.store.list().jobs;
    expect(entry).toMatchObject({ key: `fake:${done.id}`, restored: true, finishedAt: done.completedAt });
    expect(entry!.ref.input).toEqual({ prompt: 'a fox' });
    expect(entry!.job).toMatchObject({ status: 'completed', video: done.video, progress: 1 });
    // Without the history, the store's own rule applies again: finished over a day ago leaves the list.
    release();
    await runJob(after.client, 'next');
    expect(prompts(after.store)).toEqual(['next']);
  });

  it('remove() takes a job out of storage for good: a later snapshot of it does not bring it back', async () => {
    const { storage, read } = memoryStorage();
    const tab = openTab();
    tab.store.keepHistory({ storage, key: KEY, maxJobs: 24 });
    const kept = await runJob(tab.client, 'kept');
    const first = await tab.client.submit({ provider: 'fake', model: 'm', input: { prompt: 'gone' } });
    tab.store.remove(first.ref);
    const ended = tab.client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await ended).toMatchObject({ status: 'completed' });
    expect(prompts(tab.store)).toEqual(['kept']);
    expect(read()!.jobs.map((record) => record.ref.id)).toEqual([kept.id]);
    expect(read()!.removed).toEqual([`fake:${first.id}`]);
  });

  it('tabs share it: a job that ends in one shows in the other, a job removed in one leaves the other', async () => {
    const { storage, setItem } = memoryStorage();
    const sync = syncBus();
    const a = openTab();
    const b = openTab();
    a.store.keepHistory({ storage, key: KEY, maxJobs: 24, sync });
    b.store.keepHistory({ storage, key: KEY, maxJobs: 24, sync });
    await vi.advanceTimersByTimeAsync(0);

    const done = await runJob(a.client, 'from tab a');
    expect(prompts(b.store)).toEqual(['from tab a']);
    expect(b.store.list().jobs[0]).toMatchObject({ restored: true, job: { status: 'completed' } });

    const other = await runJob(b.client, 'from tab b');
    expect(prompts(a.store)).toEqual(['from tab a', 'from tab b']);

    b.store.remove(done.ref);
    await vi.advanceTimersByTimeAsync(0);
    expect(prompts(a.store)).toEqual(['from tab b']);
    expect(prompts(b.store)).toEqual(['from tab b']);
    expect(a.store.get(other.ref)?.restored).toBe(true);

    // They agree, so they stop writing: one write per change, none echoed back.
    const writes = setItem.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(setItem.mock.calls.length).toBe(writes);
    expect(writes).toBeLessThanOrEqual(4);
  });

  it('tabs that saw one job end at different moments agree on the earliest end, in storage too', async () => {
    const { storage, read } = memoryStorage();
    const sync = syncBus();
    // A provider that reports no end time: each tab's end is when it saw the job end.
    const ref = { provider: 'fake', id: 'job-1', model: 'm' };
    const tab = (finishedAt: number): HistoryHost => {
      const job = createSnapshot({ ref, status: 'completed', progress: 1 }, finishedAt);
      const jobs = new Map<string, TrackedJob>([['fake:job-1', { key: 'fake:job-1', ref, job, since: 0, finishedAt }]]);
      const host: HistoryHost = { jobs, removed: new Set(), forget: () => false, changed: () => history.save() };
      const history = openJobHistory(host, { storage, key: KEY, maxJobs: 24, sync });
      return host;
    };
    // a writes first, having seen the end at 100 s; b saw it at 90 s.
    const a = tab(100_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(read()!.jobs[0]!.finishedAt).toBe(100_000);
    const b = tab(90_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(read()!.jobs[0]!.finishedAt).toBe(90_000);
    expect(a.jobs.get('fake:job-1')!.finishedAt).toBe(90_000);
    expect(b.jobs.get('fake:job-1')!.finishedAt).toBe(90_000);
  });

  it('two tabs that wrote at once end with the union of their jobs once they hear of each other', async () => {
    const { storage, read, setItem } = memoryStorage();
    // Notices held back until the test delivers them: meanwhile each tab writes unaware of the other's write.
    const peers: Array<() => void> = [];
    const pending: Array<() => void> = [];
    const late: HistorySync = {
      connect: (_key, onChange) => {
        peers.push(onChange);
        return {
          notify: () => pending.push(...peers.filter((peer) => peer !== onChange)),
          close() {},
        };
      },
    };
    const deliver = async () => {
      for (let delivered = 0; pending.length > 0; delivered++) {
        if (delivered > 20) throw new Error('the tabs keep writing');
        pending.shift()!();
        await vi.advanceTimersByTimeAsync(0);
      }
    };
    const a = openTab();
    const b = openTab();
    a.store.keepHistory({ storage, key: KEY, maxJobs: 24, sync: late });
    b.store.keepHistory({ storage, key: KEY, maxJobs: 24, sync: late });
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all([runJob(a.client, 'a'), runJob(b.client, 'b')]);
    // The slot holds the last write only.
    expect(read()!.jobs).toHaveLength(1);

    await deliver();
    const union = ['a', 'b'];
    expect(
      read()!
        .jobs.map((record) => record.ref.input?.prompt)
        .sort(),
    ).toEqual(union);
    expect(prompts(a.store).sort()).toEqual(union);
    expect(prompts(b.store).sort()).toEqual(union);
    // Agreed: hearing from each other again writes nothing.
    const writes = setItem.mock.calls.length;
    pending.push(...peers);
    await deliver();
    expect(setItem.mock.calls.length).toBe(writes);
  });

  it('a slot holding something else reads as an empty history; a storage that throws costs only the history', async () => {
    const { storage, data, read } = memoryStorage();
    data.set(KEY, '{"version":1,"jobs":[{"ref":{"provider":"fake","id":"x"}}]}');
    const tab = openTab();
    tab.store.keepHistory({ storage, key: KEY, maxJobs: 24 });
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.store.list().jobs).toEqual([]);
    await runJob(tab.client, 'one');
    expect(read()!.jobs).toHaveLength(1);

    const broken = openTab();
    const throwing = throwingStorage<unknown>();
    broken.store.keepHistory({ storage: throwing, key: KEY, maxJobs: 24 });
    await vi.advanceTimersByTimeAsync(0);
    await runJob(broken.client, 'still listed');
    expect(prompts(broken.store)).toEqual(['still listed']);
  });
});

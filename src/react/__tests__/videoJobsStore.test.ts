import { createVideoClient } from '../../core/createVideoClient';
import { createFakeProvider } from '../../core/__tests__/fakeProvider';
import { getVideoJobsStore } from '../videoJobsStore';

describe('getVideoJobsStore', () => {
  it('keeps one store per client, on the client itself (nothing in module scope)', () => {
    const client = createVideoClient({ providers: { fake: createFakeProvider().adapter } });
    const other = createVideoClient({ providers: { fake: createFakeProvider().adapter } });
    const store = getVideoJobsStore(client)!;
    expect(getVideoJobsStore(client)).toBe(store);
    expect(getVideoJobsStore(other)).not.toBe(store);
    expect(store.claim('job|completed')).toBe(true);
    expect(getVideoJobsStore(client)!.claim('job|completed')).toBe(false);
  });

  it('given a frozen client, it hands back nothing, so the provider keeps a store of its own', () => {
    const client = Object.freeze(createVideoClient({ providers: { fake: createFakeProvider().adapter } }));
    expect(getVideoJobsStore(client)).toBeUndefined();
  });
});

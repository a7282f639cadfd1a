import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { VideoJobGallery, type VideoJobGalleryItem } from '../../src/components/VideoJobGallery';
import { createVideoClient } from '../../src/core/createVideoClient';
import { createDurationModel, type DurationModel } from '../../src/core/durationModel';
import type { VideoClient } from '../../src/core/videoClient';
import { VideoJobsProvider } from '../../src/react/VideoJobsProvider';
import { GenerationPanel, type RunAgain } from './GenerationPanel';
import type { PickedImage } from './ImagePicker';
import { createPageSimulator, type PageSimulator } from './pageSimulator';
import { PLAYGROUND_PROVIDERS } from './playgroundProviders';
import { useStoredSettings } from './playgroundSettings';
import { withUploadSpeed } from './simulatedUploadSpeed';
import './playground.css';

/** The playground: the simulator in this page, a real client, the real hooks and components. */
export function PlaygroundApp() {
  const [page, setPage] = useState<PageSimulator>();
  useEffect(() => {
    let live = true;
    void createPageSimulator().then((created) => live && setPage(created));
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="pg" data-playground="">
      <header className="pg-header">
        <h1>react-video-jobs playground</h1>
        <p>The real hooks and components against a simulated provider running in this page: no API key, no network.</p>
      </header>
      <main>{page ? <Session page={page} /> : <p role="status">Starting the simulator…</p>}</main>
    </div>
  );
}

function Session({ page }: { page: PageSimulator }) {
  const [settings, update] = useStoredSettings();
  const [image, setImage] = useState<PickedImage>();
  // The run times the client learns; the progress card reads them back as "Usually about …".
  const [durations] = useState<DurationModel>(() => createDurationModel());
  const [client] = useState<VideoClient>(() =>
    createVideoClient({
      durationModel: durations,
      providers: Object.fromEntries(
        PLAYGROUND_PROVIDERS.map((provider) => [
          provider.name,
          withUploadSpeed(provider.adapter(page.sim, page.videoUrlFor), () => page.uploadBytesPerSecond),
        ]),
      ),
      fetch: page.fetch,
      // Snappier than the defaults, for a demo of short jobs; the provider's own floor still applies.
      polling: { initialDelayMs: 500, maxDelayMs: 2_000, stallAfterMs: 20_000 },
    }),
  );
  const [queryClient] = useState(() => new QueryClient());
  // A job of the history to run again; taken by the panel of its provider (switched to first when it is another).
  const [runAgain, setRunAgain] = useState<RunAgain>();
  const historyId = useId();
  const provider = PLAYGROUND_PROVIDERS.find((entry) => entry.name === settings.provider) ?? PLAYGROUND_PROVIDERS[0]!;

  function onRunAgain(item: VideoJobGalleryItem) {
    if (!PLAYGROUND_PROVIDERS.some((entry) => entry.name === item.ref.provider)) return;
    if (item.ref.provider !== settings.provider) update({ provider: item.ref.provider });
    setRunAgain({ provider: item.ref.provider, input: item.input });
  }

  return (
    <QueryClientProvider client={queryClient}>
      <VideoJobsProvider client={client}>
        {/* One hook per provider (its persisted job is keyed by provider and model). */}
        <GenerationPanel
          key={provider.name}
          page={page}
          client={client}
          durations={durations}
          provider={provider}
          settings={settings}
          update={update}
          image={image}
          setImage={setImage}
          runAgain={runAgain?.provider === provider.name ? runAgain : undefined}
          onRunAgainTaken={() => setRunAgain(undefined)}
        />
        <section className="pg-history" aria-labelledby={historyId}>
          <h2 id={historyId}>History</h2>
          <p className="pg-hint">
            Every job of this page, on every provider, kept across reloads and shared with the playground in other tabs.
            Run again submits the same input; a start image goes by the URL it was uploaded to, so nothing is uploaded
            again.
          </p>
          <VideoJobGallery onRunAgain={onRunAgain} />
        </section>
      </VideoJobsProvider>
    </QueryClientProvider>
  );
}

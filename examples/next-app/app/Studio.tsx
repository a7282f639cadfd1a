'use client';
import { useEffect, useState } from 'react';
import { useVideoGeneration, VideoJobProgress, VideoPlayer } from 'react-video-jobs';

const MODELS = {
  fal: 'fal-ai/veo3',
  kling: 'kling-v2-6',
  replicate: 'acme/video-model',
} as const;
type Provider = keyof typeof MODELS;

/** Pick a provider, generate, follow, cancel, play; a reload resumes the job (persist). */
export function Studio() {
  const [provider, setProvider] = useState<Provider>('fal');
  // The choice survives a reload, so the provider's persisted job is resumed (read after hydration).
  useEffect(() => {
    const saved = localStorage.getItem('studio-provider');
    if (saved && saved in MODELS) setProvider(saved as Provider);
  }, []);
  const choose = (next: Provider) => {
    localStorage.setItem('studio-provider', next);
    setProvider(next);
  };
  return (
    <section aria-label="Studio">
      <label>
        Provider{' '}
        <select value={provider} onChange={(event) => choose(event.target.value as Provider)}>
          {Object.keys(MODELS).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <Generation key={provider} provider={provider} />
    </section>
  );
}

function Generation({ provider }: { provider: Provider }) {
  const [prompt, setPrompt] = useState('A lighthouse in a storm, waves breaking');
  const generation = useVideoGeneration({ provider, model: MODELS[provider], persist: true });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        generation.generate({ prompt });
      }}
    >
      <label>
        Prompt <input value={prompt} onChange={(event) => setPrompt(event.target.value)} />
      </label>
      <button type="submit" disabled={generation.isActive}>
        Generate
      </button>
      <output data-testid="job-id">{generation.ref?.id ?? ''}</output>
      <VideoJobProgress state={generation} onCancel={generation.cancel} onRetry={() => generation.reset()} />
      {generation.job?.video && <VideoPlayer job={generation.job} />}
    </form>
  );
}

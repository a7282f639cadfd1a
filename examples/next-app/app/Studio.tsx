'use client';
import { useEffect, useState } from 'react';
import { useVideoGeneration, VideoJobProgress, VideoPlayer } from 'react-video-jobs';
import { ImageField } from './ImageField';

const MODELS = {
  fal: 'fal-ai/veo3',
  kling: 'kling-v2-6',
  replicate: 'acme/video-model',
} as const;
type Provider = keyof typeof MODELS;

/** Pick a provider (and a start image), generate, follow, cancel, play; a reload resumes the job (persist). */
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
  const [image, setImage] = useState<File>();
  const generation = useVideoGeneration({ provider, model: MODELS[provider], persist: true });
  // The client refuses a file the provider cannot take (type, size, pixels) before sending anything: say why.
  const { error } = generation;
  const refused = error?.kind === 'invalid_input' && error.field === 'image' ? error.message : undefined;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        generation.generate({ prompt, ...(image ? { image } : {}) });
      }}
    >
      <label>
        Prompt <input value={prompt} onChange={(event) => setPrompt(event.target.value)} />
      </label>
      <ImageField file={image} onChange={setImage} error={refused} />
      <button type="submit" disabled={generation.isActive}>
        Generate
      </button>
      <output data-testid="job-id">{generation.ref?.id ?? ''}</output>
      <VideoJobProgress state={generation} onCancel={generation.cancel} onRetry={() => generation.reset()} />
      {generation.job?.video && <VideoPlayer job={generation.job} />}
    </form>
  );
}

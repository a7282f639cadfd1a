import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { VideoJobProgress } from '../../src/components/VideoJobProgress';
import { VideoPlayer } from '../../src/components/VideoPlayer';
import type { DurationModel } from '../../src/core/durationModel';
import type { VideoClient } from '../../src/core/videoClient';
import { useVideoGeneration } from '../../src/react/useVideoGeneration';
import { ImagePicker, type PickedImage } from './ImagePicker';
import type { PageSimulator } from './pageSimulator';
import { PLAYGROUND_PROVIDERS, type PlaygroundProvider } from './playgroundProviders';
import { clearPlaygroundStorage, faultsFor, jobSpecFor, type PlaygroundSettings } from './playgroundSettings';

interface GenerationPanelProps {
  page: PageSimulator;
  client: VideoClient;
  durations: DurationModel;
  provider: PlaygroundProvider;
  settings: PlaygroundSettings;
  update(patch: Partial<PlaygroundSettings>): void;
  /** The start image, kept by the page so it stays when the provider changes. */
  image: PickedImage | undefined;
  setImage(image: PickedImage | undefined): void;
  /** A job of the history to run again on this provider, once. */
  runAgain?: RunAgain;
  onRunAgainTaken(): void;
}

/** Run again from the history: the job's input (`ref.input`), or the form's when the client kept none. */
export interface RunAgain {
  provider: string;
  input: Record<string, unknown> | undefined;
}

const SAMPLE_SIZE = { width: 640, height: 360 };

/** One provider's generation: the form, then the real hook's state shown by the real components. */
export function GenerationPanel(props: GenerationPanelProps) {
  const { page, client, durations, provider, settings, update, image, setImage, runAgain, onRunAgainTaken } = props;
  const generation = useVideoGeneration({ provider: provider.name, model: provider.model, persist: true });
  const id = useId();
  // The file the last generate sent: the client's refusal is shown for that file only, not for one picked since.
  const [sentImage, setSentImage] = useState<File>();
  const imageLimits = useMemo(() => provider.adapter(page.sim, page.videoUrlFor).image?.limits, [provider, page]);
  const error = generation.error;
  const refused =
    image !== undefined &&
    image.file === sentImage &&
    error?.kind === 'invalid_input' &&
    (error.field === 'image' || error.field === 'endImage')
      ? error.message
      : undefined;

  /** Submits the form's input, or the one given (Run again from the history). */
  function start(input?: Record<string, unknown>) {
    page.sim.setFaults(faultsFor(settings));
    page.setNextJobSpec(jobSpecFor(settings));
    page.setUploadSpeed(settings.uploadKbps * 1000);
    setSentImage(input ? undefined : image?.file);
    generation.generate(input ?? { ...provider.input(settings.prompt), ...(image ? { image: image.file } : {}) }, {
      replace: true,
    });
  }

  // Generate disables itself: take focus (and, on a phone, the view) to the job's status instead of <body>.
  const progressRef = useRef<HTMLDivElement>(null);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (generation.isActive) return;
    start();
    showProgress();
  }

  function showProgress() {
    const panel = progressRef.current?.querySelector<HTMLElement>('[data-part="panel"]');
    panel?.focus({ preventScroll: true });
    // After the render that follows, so the card is measured in its new state.
    requestAnimationFrame(() => {
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      panel?.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
    });
  }

  const takenRunAgain = useRef<RunAgain>(undefined);
  useEffect(() => {
    if (!runAgain || takenRunAgain.current === runAgain) return;
    takenRunAgain.current = runAgain;
    onRunAgainTaken();
    start(runAgain.input);
    showProgress();
    // Once per request from the history; the other values are this render's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runAgain]);

  function resetAll() {
    generation.reset();
    page.reset();
    clearPlaygroundStorage();
    // The simulator hands out its job ids afresh: a page that still held the old jobs (the history) would mix them up.
    window.location.reload();
  }

  const stats = {
    polls: page.sim.count({ provider: provider.name, endpoint: 'status' }),
    faults: page.sim.requests.filter((request) => request.provider === provider.name && request.fault).length,
    // Files the simulator holds: the providers' own uploads and the app's storage stand-in (URL-only providers).
    uploads: page.sim.uploads().filter((upload) => upload.status === 'stored').length,
  };

  return (
    <div className="pg-grid">
      <form className="pg-card pg-form" onSubmit={onSubmit} aria-label="Generate a video">
        <label className="pg-field">
          <span>Provider</span>
          <select value={provider.name} onChange={(event) => update({ provider: event.target.value })}>
            {PLAYGROUND_PROVIDERS.map((option) => (
              <option key={option.name} value={option.name}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label className="pg-field">
          <span>Prompt</span>
          <textarea rows={3} value={settings.prompt} onChange={(event) => update({ prompt: event.target.value })} />
        </label>
        <ImagePicker
          image={image}
          onChange={setImage}
          error={refused}
          limits={imageLimits}
          providerLabel={provider.label}
          sampleSize={provider.sampleImage ?? SAMPLE_SIZE}
        />
        <fieldset className="pg-fieldset">
          <legend>Simulated job</legend>
          <NumberField
            label="Queue length (s)"
            value={settings.queueSeconds}
            step="any"
            onChange={(queueSeconds) => update({ queueSeconds })}
          />
          <NumberField
            label="Jobs ahead in the queue"
            value={settings.queuePosition}
            step={1}
            onChange={(queuePosition) => update({ queuePosition })}
          />
          <NumberField
            label="Run time (s)"
            value={settings.runSeconds}
            step="any"
            onChange={(runSeconds) => update({ runSeconds })}
          />
          <NumberField
            label="Upload speed (KB/s)"
            value={settings.uploadKbps}
            step="any"
            onChange={(uploadKbps) => update({ uploadKbps })}
          />
          <label className="pg-check">
            <input
              type="checkbox"
              checked={settings.reportsProgress}
              onChange={(event) => update({ reportsProgress: event.target.checked })}
            />
            <span>Reports progress (where the API can)</span>
          </label>
        </fieldset>
        <fieldset className="pg-fieldset">
          <legend>Failures</legend>
          <RangeField
            label="Job failure rate"
            value={settings.failurePercent}
            onChange={(failurePercent) => update({ failurePercent })}
          />
          <RangeField
            label="Request faults (5xx, 429, drops)"
            value={settings.faultPercent}
            onChange={(faultPercent) => update({ faultPercent })}
          />
        </fieldset>
        <div className="pg-buttons">
          <button type="submit" className="pg-primary" disabled={generation.isActive}>
            {generation.isActive ? 'Generating…' : 'Generate'}
          </button>
          <button type="button" className="pg-secondary" onClick={resetAll}>
            Reset simulator
          </button>
        </div>
      </form>

      <section className="pg-output" aria-labelledby={`${id}-output`}>
        <h2 id={`${id}-output`} className="pg-visually-hidden">
          Result
        </h2>
        <VideoJobProgress
          ref={progressRef}
          state={generation}
          onRetry={() => start()}
          onCheckAgain={generation.checkAgain}
          estimate={durations.estimate(`${provider.name}:${provider.model}`)}
        />
        <VideoPlayer job={generation.job} status={generation.status} client={client} autoPlay loop download />
        <dl className="pg-stats">
          <div>
            <dt>Job</dt>
            <dd data-testid="job-id">{generation.ref?.id ?? '–'}</dd>
          </div>
          <div>
            <dt>Status polls</dt>
            <dd data-testid="polls">{stats.polls}</dd>
          </div>
          <div>
            <dt>Start image</dt>
            {/* What the job's submit named: an upload's URL (Run again from the history sends the same one). */}
            <dd data-testid="job-image" title={generation.ref?.uploads?.image}>
              {generation.ref?.uploads?.image?.split('/').pop() ?? '–'}
            </dd>
          </div>
          <div>
            <dt>Images stored</dt>
            <dd data-testid="uploads">{stats.uploads}</dd>
          </div>
          <div>
            <dt>Faults injected</dt>
            <dd>{stats.faults}</dd>
          </div>
          <div>
            <dt>Resumed after reload</dt>
            <dd data-testid="replayed">{page.replayed}</dd>
          </div>
        </dl>
        <p className="pg-hint">
          Reload the page mid-job: the job id is persisted and the job carries on; the simulator replays its own
          history, as a real provider would still have the job.
        </p>
      </section>
    </div>
  );
}

function NumberField(props: { label: string; value: number; step: number | 'any'; onChange(value: number): void }) {
  return (
    <label className="pg-field pg-inline">
      <span>{props.label}</span>
      <input
        type="number"
        min={0}
        step={props.step}
        value={props.value}
        onChange={(event) => props.onChange(Math.max(0, Number(event.target.value) || 0))}
      />
    </label>
  );
}

function RangeField(props: { label: string; value: number; onChange(value: number): void }) {
  const id = useId();
  return (
    <div className="pg-field pg-range-field">
      <div className="pg-range-head">
        <label htmlFor={id}>{props.label}</label>
        <output htmlFor={id}>{props.value} %</output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={5}
        value={props.value}
        aria-valuetext={`${props.value} %`}
        onChange={(event) => props.onChange(Number(event.target.value))}
      />
    </div>
  );
}

// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { createVideoClient } from '../../core/createVideoClient';
import type { JobSnapshot } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';
import { aigateway } from '../../providers/aigateway';
import { VideoJobsProvider } from '../../react/VideoJobsProvider';
import { createSimulator } from '../../testing/createSimulator';
import { VideoPlayer } from '../VideoPlayer';
import { axeViolations } from './axe';
import { completedJob, makeJob } from './jobFixture';

function video(): HTMLVideoElement {
  return screen.getByLabelText('Generated video') as HTMLVideoElement;
}

function root(container: HTMLElement): HTMLElement {
  return container.firstElementChild as HTMLElement;
}

let play: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  // jsdom has no media pipeline; play() is the browser's to implement.
  play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('VideoPlayer, given a finished job', () => {
  it('renders a native video with the job URL, inline and metadata-only, loading until it can play', () => {
    const { container } = render(<VideoPlayer job={completedJob()} />);
    const element = video();
    expect(element.tagName).toBe('VIDEO');
    expect(element).toHaveAttribute('src', 'https://cdn.example.com/v/req-1.mp4');
    expect(element).toHaveAttribute('playsinline');
    expect(element).toHaveAttribute('preload', 'metadata');
    expect(element).not.toHaveAttribute('controls');
    expect(root(container)).toHaveAttribute('data-status', 'loading');
    expect(screen.getByRole('status')).toHaveTextContent('Loading video…');

    fireEvent.canPlay(element);
    expect(root(container)).toHaveAttribute('data-status', 'ready');
    expect(element).toHaveAttribute('controls');
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(play).not.toHaveBeenCalled();
  });

  it("sizes the frame from the job's width and height, or from aspectRatio", () => {
    const { container, rerender } = render(<VideoPlayer job={completedJob()} />);
    const frame = container.querySelector<HTMLElement>('[data-part="frame"]')!;
    expect(frame.style.aspectRatio).toBe('1280 / 720');
    rerender(<VideoPlayer job={completedJob()} aspectRatio="1 / 1" />);
    expect(frame.style.aspectRatio).toBe('1 / 1');
  });

  it('counts as ready when the browser stops loading at metadata (suspend), but not before metadata', () => {
    const { container } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" />);
    const element = video();
    Object.defineProperty(element, 'readyState', { configurable: true, value: 0 });
    fireEvent(element, new Event('suspend'));
    expect(root(container)).toHaveAttribute('data-status', 'loading');
    Object.defineProperty(element, 'readyState', { configurable: true, value: 1 });
    fireEvent(element, new Event('suspend'));
    expect(root(container)).toHaveAttribute('data-status', 'ready');
  });

  it('counts as ready when the media loaded before React listened (a server-rendered page hydrating)', () => {
    // The browser decoded the first frame of the server-rendered <video> before hydration: no event will come.
    const readyState = vi.spyOn(HTMLMediaElement.prototype, 'readyState', 'get').mockReturnValue(4);
    try {
      const { container } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" />);
      expect(root(container)).toHaveAttribute('data-status', 'ready');
    } finally {
      readyState.mockRestore();
    }
  });

  it('shows the error when the media failed before React listened', () => {
    // jsdom has no `error` on media elements: give them one that says the source failed.
    const failure = { code: 4, message: 'MEDIA_ERR_SRC_NOT_SUPPORTED' } as MediaError;
    Object.defineProperty(HTMLMediaElement.prototype, 'error', { configurable: true, get: () => failure });
    try {
      const { container } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" />);
      expect(root(container)).toHaveAttribute('data-status', 'error');
    } finally {
      delete (HTMLMediaElement.prototype as { error?: unknown }).error;
    }
  });

  it('passes loop, muted and controls through', () => {
    render(<VideoPlayer src="https://cdn.example.com/a.mp4" loop muted controls={false} />);
    const element = video();
    fireEvent.canPlay(element);
    expect(element.loop).toBe(true);
    expect(element.muted).toBe(true);
    expect(element).not.toHaveAttribute('controls');
  });

  it('autoplays muted once it can play', () => {
    const { container } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" autoPlay />);
    fireEvent.canPlay(video());
    expect(play).toHaveBeenCalledTimes(1);
    expect(video().muted).toBe(true);
    expect(root(container)).toHaveAttribute('data-autoplay', 'on');
  });

  it('leaves the controls to the viewer when the browser refuses to autoplay', async () => {
    play.mockRejectedValue(new DOMException('play() is not allowed', 'NotAllowedError'));
    const onError = vi.fn();
    const { container } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" autoPlay onError={onError} />);
    fireEvent.canPlay(video());
    await vi.waitFor(() => expect(root(container)).toHaveAttribute('data-autoplay', 'blocked'));
    expect(root(container)).toHaveAttribute('data-status', 'ready');
    expect(onError).not.toHaveBeenCalled();
  });

  it("offers a download link with the job's file name, or a given one", () => {
    const { rerender } = render(<VideoPlayer job={completedJob()} download />);
    const link = screen.getByRole('link', { name: 'Download video' });
    expect(link).toHaveAttribute('href', 'https://cdn.example.com/v/req-1.mp4');
    expect(link).toHaveAttribute('download', 'req-1.mp4');
    rerender(<VideoPlayer job={completedJob()} download="cat.mp4" />);
    expect(screen.getByRole('link')).toHaveAttribute('download', 'cat.mp4');
    rerender(<VideoPlayer job={completedJob()} />);
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows the wait where the video will be for a job under way, at the given aspect ratio', () => {
    const { container } = render(
      <VideoPlayer job={makeJob({ status: 'running' })} aspectRatio="9 / 16" id="player" className="mine" />,
    );
    expect(root(container)).toHaveAttribute('id', 'player');
    expect(root(container)).toHaveClass('mine');
    expect(root(container)).not.toHaveAttribute('job');
    expect(screen.getByText('Your video will appear here')).toBeInTheDocument();
    expect(container.querySelector('[data-part="skeleton"]')).toHaveAttribute('aria-hidden', 'true');
    expect(container.querySelector<HTMLElement>('[data-part="frame"]')!.style.aspectRatio).toBe('9 / 16');
    expect(container.querySelector('video')).toBeNull();
    expect(root(container)).toHaveAttribute('data-status', 'waiting');
  });

  it('says "Not started" without a job, in the progress card\'s words, and there is no video yet for a job that ended without one', () => {
    const { container, rerender } = render(<VideoPlayer />);
    expect(screen.getByText('Not started')).toBeInTheDocument();
    expect(root(container)).toHaveAttribute('data-status', 'empty');
    rerender(<VideoPlayer job={makeJob({ status: 'cancelled' })} />);
    expect(screen.getByText('No video yet')).toBeInTheDocument();
    expect(container.querySelector('[data-part="skeleton"]')).toBeNull();
  });

  it("writes the job's status over the waiting frame, hidden from screen readers (the progress card announces it)", () => {
    const { container, rerender } = render(<VideoPlayer job={makeJob({ status: 'queued', queuePosition: 2 })} />);
    const statusText = container.querySelector('[data-part="waiting-status"]');
    expect(statusText).toHaveTextContent('In queue – position 3');
    expect(statusText).toHaveAttribute('aria-hidden', 'true');
    expect(screen.queryByText('In queue – position 3', { ignore: '[aria-hidden] *, [aria-hidden]' })).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
    rerender(<VideoPlayer job={makeJob({ status: 'running', progress: 0.42 })} />);
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveTextContent('Generating – 42 %');
    rerender(
      <VideoPlayer
        job={makeJob({ status: 'running' })}
        labels={{ running: (percent) => `Erzeugt ${percent ?? '…'}`, queued: () => 'Wartet' }}
      />,
    );
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveTextContent('Erzeugt …');
    rerender(<VideoPlayer job={makeJob({ status: 'failed' })} />);
    expect(container.querySelector('[data-part="waiting-status"]')).toBeNull();
  });

  it('waits, not "Not started", before there is a job when the hook\'s status says uploading or submitting', () => {
    const { container, rerender } = render(<VideoPlayer status="uploading" />);
    expect(root(container)).toHaveAttribute('data-status', 'waiting');
    expect(screen.getByText('Your video will appear here')).toBeInTheDocument();
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveTextContent('Uploading…');
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveAttribute('aria-hidden', 'true');
    expect(root(container)).not.toHaveAttribute('status');
    rerender(<VideoPlayer status="submitting" labels={{ submitting: 'Wird gesendet…' }} />);
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveTextContent('Wird gesendet…');
    rerender(<VideoPlayer status="idle" />);
    expect(screen.getByText('Not started')).toBeInTheDocument();
    // The job's own status wins once there is one.
    rerender(<VideoPlayer status="uploading" job={makeJob({ status: 'queued' })} />);
    expect(container.querySelector('[data-part="waiting-status"]')).toHaveTextContent('In queue');
  });

  it("shows the provider's thumbnail in the waiting frame, as decoration, and only a web URL", () => {
    const thumbnail = { url: 'https://cdn.example.com/t.jpg', width: 256, height: 144 };
    const { container, rerender } = render(<VideoPlayer job={makeJob({ status: 'running', thumbnail })} />);
    expect(screen.queryByRole('img')).toBeNull();
    const image = container.querySelector('img[data-part="thumbnail"]');
    expect(image).toHaveAttribute('src', thumbnail.url);
    expect(image).toHaveAttribute('alt', '');
    expect(root(container)).toHaveAttribute('data-thumbnail', '');
    rerender(<VideoPlayer job={makeJob({ status: 'running', thumbnail: { url: 'javascript:alert(1)' } })} />);
    expect(container.querySelector('img')).toBeNull();
    expect(root(container)).not.toHaveAttribute('data-thumbnail');
  });

  it("uses the job's thumbnail as the poster unless a poster is given, through the same URL policy", () => {
    const thumbnail = { url: 'https://cdn.example.com/t.jpg' };
    const job = { ...completedJob(), thumbnail };
    const { container, rerender } = render(<VideoPlayer job={job} />);
    expect(container.querySelector('video')).toHaveAttribute('poster', thumbnail.url);
    rerender(<VideoPlayer job={job} poster="https://cdn.example.com/mine.jpg" />);
    expect(container.querySelector('video')).toHaveAttribute('poster', 'https://cdn.example.com/mine.jpg');
    rerender(<VideoPlayer job={{ ...job, thumbnail: { url: 'data:image/svg+xml,<svg onload=alert(1)>' } }} />);
    expect(container.querySelector('video')).not.toHaveAttribute('poster');
  });

  it('uses labels for every string', () => {
    const { rerender } = render(
      <VideoPlayer
        src="https://cdn.example.com/a.mp4"
        download
        labels={{ video: 'Erzeugtes Video', loading: 'Lädt…', download: 'Herunterladen' }}
      />,
    );
    expect(screen.getByLabelText('Erzeugtes Video')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Lädt…');
    expect(screen.getByRole('link', { name: 'Herunterladen' })).toBeInTheDocument();
    rerender(<VideoPlayer labels={{ empty: 'Noch kein Video' }} />);
    expect(screen.getByText('Noch kein Video')).toBeInTheDocument();
    rerender(<VideoPlayer src="javascript:alert(1)" labels={{ unsafeUrl: 'Unzulässige Adresse' }} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Unzulässige Adresse');
  });
});

describe('VideoPlayer, URL policy', () => {
  it.each([
    'javascript:alert(document.cookie)',
    'data:video/mp4;base64,AAAAIGZ0eXBpc29t',
    'file:///etc/passwd',
    ' jav\tascript:alert(1)',
  ])('renders an error and never the URL for %j', (url) => {
    const onError = vi.fn();
    const job = completedJob({ url });
    const { container } = render(<VideoPlayer job={job} poster={url} download onError={onError} />);
    expect(screen.getByRole('alert')).toHaveTextContent('its address is not a web address');
    expect(container.querySelector('video')).toBeNull();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(container.innerHTML).not.toMatch(/javascript|data:video|file:|alert\(/i);
    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]![0] as VideoJobError;
    expect(error).toBeInstanceOf(VideoJobError);
    expect(error.kind).toBe('invalid_response');
    expect(error.field).toBe('video.url');
    expect(error.message).not.toContain(url.trim());
  });

  it('resolves a relative src against the page and accepts it as http(s)', () => {
    render(<VideoPlayer src="/videos/a.mp4" />);
    expect(video().getAttribute('src')).toBe(new URL('/videos/a.mp4', location.href).href);
  });

  it('plays blob: URLs and drops an unsafe poster while keeping the video', () => {
    render(<VideoPlayer src="blob:http://localhost/1234" poster="javascript:alert(1)" />);
    expect(video()).toHaveAttribute('src', 'blob:http://localhost/1234');
    expect(video()).not.toHaveAttribute('poster');
  });
});

describe('VideoPlayer, expired signed URLs', () => {
  const fresh = (url: string): JobSnapshot => completedJob({ url, expiresAt: Date.now() + 3_600_000 });

  it('asks for a fresh job record at once when expiresAt has passed, and plays the new URL', async () => {
    const onRefresh = vi.fn(async () => fresh('https://cdn.example.com/fresh.mp4'));
    const job = completedJob({ expiresAt: Date.now() - 1_000 });
    const { container } = render(<VideoPlayer job={job} onRefresh={onRefresh} />);
    expect(screen.getByRole('status')).toHaveTextContent('Refreshing the video link…');
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/fresh.mp4'));
    expect(onRefresh).toHaveBeenCalledTimes(1);
    fireEvent.canPlay(video());
    expect(root(container)).toHaveAttribute('data-status', 'ready');
  });

  it("asks only once under React's strict mode", async () => {
    const onRefresh = vi.fn(async () => fresh('https://cdn.example.com/fresh.mp4'));
    render(
      <StrictMode>
        <VideoPlayer job={completedJob({ expiresAt: Date.now() - 1_000 })} onRefresh={onRefresh} />
      </StrictMode>,
    );
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/fresh.mp4'));
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes once when the media fails to load, then shows an error with Retry', async () => {
    const onRefresh = vi.fn(async () => fresh('https://cdn.example.com/fresh.mp4'));
    const onError = vi.fn();
    const { container } = render(<VideoPlayer job={completedJob()} onRefresh={onRefresh} onError={onError} />);
    fireEvent.error(video());
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/fresh.mp4'));
    expect(onError).not.toHaveBeenCalled();

    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toHaveTextContent('The video could not be loaded');
    expect(onRefresh).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]![0]).toMatchObject({ kind: 'network', provider: 'fal', jobId: 'req-1' });
    expect(root(container)).toHaveAttribute('data-status', 'error');
    expect(container.querySelector('video')).toBeNull();

    // Retry loads again, with one more refresh in reserve; focus stays on the player's frame, not <body>.
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(root(container)).toHaveAttribute('data-status', 'loading');
    expect(container.querySelector('[data-part="frame"]')).toHaveFocus();
    expect(video()).toHaveAttribute('src', 'https://cdn.example.com/fresh.mp4');
    fireEvent.error(video());
    await vi.waitFor(() => expect(onRefresh).toHaveBeenCalledTimes(2));
  });

  it('shows the error at once when there is no way to refresh', async () => {
    const onError = vi.fn();
    render(<VideoPlayer src="https://cdn.example.com/a.mp4" onError={onError} />);
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
  });

  it('shows an error when the refresh itself fails', async () => {
    const failure = new VideoJobError({
      kind: 'not_found',
      message: 'the job is gone',
      provider: 'fal',
      jobId: 'req-1',
    });
    const onRefresh = vi.fn(async () => Promise.reject(failure));
    const onError = vi.fn();
    render(<VideoPlayer job={completedJob()} onRefresh={onRefresh} onError={onError} />);
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    // onError runs in an effect after the alert renders.
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(failure));
  });

  it('shows an error when the fresh record has no video', async () => {
    const onRefresh = vi.fn(async () => makeJob({ status: 'completed' }));
    const onError = vi.fn();
    render(<VideoPlayer job={completedJob({ expiresAt: 1 })} onRefresh={onRefresh} onError={onError} />);
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    // onError runs in an effect after the alert renders.
    await vi.waitFor(() => expect(onError).toHaveBeenCalled());
    expect(onError.mock.calls[0]![0]).toMatchObject({ kind: 'not_found' });
  });

  it('never plays an unsafe URL from a refresh', async () => {
    const onRefresh = vi.fn(async () => fresh('javascript:alert(1)'));
    const { container } = render(<VideoPlayer job={completedJob({ expiresAt: 1 })} onRefresh={onRefresh} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('not a web address');
    expect(container.innerHTML).not.toContain('javascript');
  });

  it("uses a client to refresh: client.refresh with the job's ref", async () => {
    const job = completedJob({ expiresAt: 1 });
    const client = { refresh: vi.fn(async () => fresh('https://cdn.example.com/from-client.mp4')) };
    render(<VideoPlayer job={job} client={client} />);
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/from-client.mp4'));
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(client.refresh).toHaveBeenCalledWith(job.ref);
  });

  it("shows the client's refusal when the provider no longer has the video, keeping nothing stale on screen", async () => {
    const kept = new VideoJobError({
      kind: 'invalid_response',
      provider: 'fal',
      jobId: 'req-1',
      message: 'could not refresh the finished job: the provider now reports the job as failed',
    });
    const client = { refresh: vi.fn(async () => Promise.reject(kept)) };
    const onError = vi.fn();
    render(<VideoPlayer job={completedJob({ expiresAt: 1 })} client={client} onError={onError} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The video could not be loaded');
    // onError runs in an effect after the alert renders.
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(kept));
  });

  it('starts over with a new job', async () => {
    const onRefresh = vi.fn(async () => fresh('https://cdn.example.com/fresh.mp4'));
    const { rerender } = render(<VideoPlayer src="https://cdn.example.com/a.mp4" />);
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    rerender(<VideoPlayer job={completedJob()} onRefresh={onRefresh} />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(video()).toHaveAttribute('src', 'https://cdn.example.com/v/req-1.mp4');
  });
});

describe("VideoPlayer, inside a VideoJobsProvider (the provider's client refreshes)", () => {
  const DAY_MS = 24 * 60 * 60 * 1000;

  /** An aigateway job run to completion two days ago (fake time), so its signed URL has expired by now. */
  async function expiredAigatewayJob() {
    const sim = createSimulator();
    const client = createVideoClient({
      providers: { aigateway: aigateway({ baseUrl: sim.baseUrl('aigateway') }) },
      fetch: sim.fetch,
    });
    vi.useFakeTimers({ now: Date.now() - 2 * DAY_MS });
    try {
      const first = await client.submit({
        provider: 'aigateway',
        model: 'google/veo-3.1-fast',
        input: { prompt: 'a' },
      });
      const waiting = client.wait(first.ref);
      await vi.advanceTimersByTimeAsync(60_000);
      const job = await waiting;
      return { sim, client, job };
    } finally {
      vi.useRealTimers();
    }
  }

  it('given an expired job and neither client nor onRefresh, it refreshes through the provider and plays the fresh URL', async () => {
    const { sim, client, job } = await expiredAigatewayJob();
    expect(job.video!.expiresAt).toBeLessThan(Date.now());
    expect((await sim.fetch(job.video!.url)).status).toBe(403);
    const refresh = vi.spyOn(client, 'refresh');
    const polls = sim.count({ endpoint: 'status' });

    const { container } = render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer job={job} />
      </VideoJobsProvider>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Refreshing the video link…');
    await vi.waitFor(() => expect(video().getAttribute('src')).not.toBe(job.video!.url));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalledWith(job.ref);
    expect(sim.count({ endpoint: 'status' })).toBe(polls + 1);
    const fresh = video().getAttribute('src')!;
    expect(fresh).toBe(client.getSnapshot(job.ref)!.video!.url);
    expect((await sim.fetch(fresh)).status).toBe(200);
    fireEvent.canPlay(video());
    expect(root(container)).toHaveAttribute('data-status', 'ready');
  });

  it('given a media failure inside the provider, it refreshes once through its client', async () => {
    const refresh = vi.fn(async () => completedJob({ url: 'https://cdn.example.com/again.mp4' }));
    // Any adapter registered as "fal", the fixture job's provider; refresh itself is the spy.
    const client = { ...createVideoClient({ providers: { fal: aigateway() } }), refresh };
    render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer job={completedJob()} />
      </VideoJobsProvider>,
    );
    fireEvent.error(video());
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/again.mp4'));
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('prefers onRefresh, then the client prop, over the provider client', async () => {
    const fromProvider = vi.fn(async () => completedJob({ url: 'https://cdn.example.com/provider.mp4' }));
    const client = { ...createVideoClient({ providers: { fal: aigateway() } }), refresh: fromProvider };
    const fromProp = { refresh: vi.fn(async () => completedJob({ url: 'https://cdn.example.com/prop.mp4' })) };
    const onRefresh = vi.fn(async () => completedJob({ url: 'https://cdn.example.com/callback.mp4' }));
    const expired = completedJob({ expiresAt: 1 });
    const { unmount } = render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer job={expired} client={fromProp} onRefresh={onRefresh} />
      </VideoJobsProvider>,
    );
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/callback.mp4'));
    unmount();
    render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer job={expired} client={fromProp} />
      </VideoJobsProvider>,
    );
    await vi.waitFor(() => expect(video()).toHaveAttribute('src', 'https://cdn.example.com/prop.mp4'));
    expect(fromProvider).not.toHaveBeenCalled();
  });

  it("does not use the provider's client for a job of a provider it does not have, nor without a job", async () => {
    const refresh = vi.fn(async () => completedJob({ url: 'https://cdn.example.com/never.mp4' }));
    const client = { ...createVideoClient({ providers: { aigateway: aigateway() } }), refresh };
    const onError = vi.fn();
    const { unmount } = render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer job={completedJob({ expiresAt: 1 })} onError={onError} />
      </VideoJobsProvider>,
    );
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    unmount();
    render(
      <VideoJobsProvider client={client} storage={null}>
        <VideoPlayer src="https://cdn.example.com/a.mp4" onError={onError} />
      </VideoJobsProvider>,
    );
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    expect(refresh).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('outside any provider, with no client or onRefresh, shows the error at once', async () => {
    const onError = vi.fn();
    render(<VideoPlayer job={completedJob()} onError={onError} />);
    fireEvent.error(video());
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    expect(onError).toHaveBeenCalledTimes(1);
  });
});

describe('VideoPlayer, accessibility (axe)', () => {
  it('has no violations while loading, ready, empty, waiting over a thumbnail, in error and with a download link', async () => {
    const { container, rerender } = render(<VideoPlayer job={completedJob()} download />);
    expect(await axeViolations(container)).toEqual([]);
    fireEvent.canPlay(video());
    expect(await axeViolations(container)).toEqual([]);
    fireEvent.error(video());
    await screen.findByRole('alert');
    expect(await axeViolations(container)).toEqual([]);
    rerender(<VideoPlayer job={makeJob()} />);
    expect(await axeViolations(container)).toEqual([]);
    rerender(<VideoPlayer job={makeJob({ status: 'running', thumbnail: { url: 'https://cdn.example.com/t.jpg' } })} />);
    expect(await axeViolations(container)).toEqual([]);
    rerender(<VideoPlayer src="javascript:void 0" />);
    expect(await axeViolations(container)).toEqual([]);
  });
});

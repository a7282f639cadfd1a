// app/gallery/page.tsx: a Server Component page fed from server data (a database in a real app). The components
// render on the server and hydrate in the browser; this page is no client module, the components carry 'use client'.
import { connection } from 'next/server';
import { VideoJobProgress, VideoPlayer, type JobSnapshot } from 'react-video-jobs';

/** One row as a database would return it. Media URLs are absolute: a relative `src` cannot be checked on the server. */
async function loadFinishedJob(): Promise<JobSnapshot> {
  await connection(); // read at request time, not at build time
  const origin = process.env.APP_URL ?? 'http://localhost:3000';
  return {
    ref: { provider: 'fal', id: 'gallery-1', model: 'fal-ai/veo3' },
    id: 'gallery-1',
    provider: 'fal',
    model: 'fal-ai/veo3',
    status: 'completed',
    progress: 1,
    logs: [],
    video: { url: `${origin}/sample.mp4`, contentType: 'video/mp4' },
    createdAt: 1_764_500_000_000,
    completedAt: 1_764_500_090_000,
    updatedAt: 1_764_500_090_000,
  };
}

export default async function Gallery() {
  const job = await loadFinishedJob();
  return (
    <main>
      <h1>Gallery</h1>
      <VideoJobProgress job={job} />
      <VideoPlayer src={job.video?.url} aspectRatio="16 / 9" />
    </main>
  );
}

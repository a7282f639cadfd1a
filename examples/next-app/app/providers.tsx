'use client';
// app/providers.tsx: the browser side. Requests go through the app's proxy route, which holds the keys; updates
// arrive over the job event stream, with polling as the fallback. app/layout.tsx (a Server Component) wraps its
// children in <Providers>.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { createVideoClient, fal, kling, pushEvents, replicate, VideoJobsProvider } from 'react-video-jobs';

const proxyUrl = '/api/video/proxy';

export function Providers({ children }: { children: ReactNode }) {
  // One of each per browser session, none shared between server requests.
  const [queryClient] = useState(() => new QueryClient());
  const [client] = useState(() =>
    createVideoClient({
      providers: { fal: fal({ proxyUrl }), kling: kling({ proxyUrl }), replicate: replicate({ proxyUrl }) },
      events: pushEvents('/api/video/events'),
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <VideoJobsProvider client={client}>{children}</VideoJobsProvider>
    </QueryClientProvider>
  );
}

// app/layout.tsx: a Server Component layout; the client-only provider lives in app/providers.tsx.
import type { ReactNode } from 'react';
import 'react-video-jobs/styles.css';
import { Providers } from './providers';

export const metadata = { title: 'react-video-jobs on Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

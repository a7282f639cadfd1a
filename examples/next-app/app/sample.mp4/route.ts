// The gallery's demo video (a real app stores its videos on a CDN or bucket and keeps their URLs in a database).
import { sampleVideoBytes, SAMPLE_MP4_CONTENT_TYPE } from 'react-video-jobs/testing';

export function GET(): Response {
  return new Response(sampleVideoBytes(), {
    headers: { 'content-type': SAMPLE_MP4_CONTENT_TYPE, 'cache-control': 'public, max-age=3600' },
  });
}

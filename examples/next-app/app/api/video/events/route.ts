// app/api/video/events/route.ts: job event stream (Server-Sent Events)
export const dynamic = 'force-dynamic';
export { events as GET } from '@/lib/videoServer';

// app/api/video/webhooks/[provider]/route.ts: providers' callbacks
export { webhooks as POST } from '@/lib/videoServer';

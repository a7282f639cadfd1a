// app/api/video/proxy/route.ts: the proxy
import { proxy } from '@/lib/videoServer';

export const runtime = 'nodejs';
export const maxDuration = 300;
export { proxy as GET, proxy as HEAD, proxy as POST, proxy as PUT, proxy as DELETE };

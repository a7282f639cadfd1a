// proxy.ts: a demo identity: a random `uid` cookie per browser (Next 16's proxy, formerly middleware). Use your auth here.
import { NextResponse, type NextRequest } from 'next/server';

export function proxy(request: NextRequest) {
  const response = NextResponse.next();
  if (!request.cookies.get('uid')) {
    response.cookies.set('uid', crypto.randomUUID(), { httpOnly: true, sameSite: 'lax', path: '/' });
  }
  return response;
}

export const config = { matcher: ['/', '/gallery'] };

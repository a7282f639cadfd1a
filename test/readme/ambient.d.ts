// What the README's server snippets take from the user's own app, and nothing more: the type check of the README
// (typecheck.test.ts) compiles each snippet against these, the library itself comes from src/.

/** `import { auth } from '@/auth'`: the app's session lookup (Auth.js style), in lib/videoServer.ts. */
declare module '@/auth' {
  export function auth(): Promise<{ user: { id: string } } | null>;
}

/** `import { db } from '@/db'`: the app's database client, in lib/videoServer.ts. */
declare module '@/db' {
  export const db: {
    videoJob: { upsert(id: string, row: { status: string; url: string | undefined }): Promise<unknown> };
  };
}

/**
 * `import express from 'express'` in the Express snippet (not a dependency of this package). As in Express's own
 * types, a handler receives Node's request and response objects.
 */
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  type Handler = (request: IncomingMessage, response: ServerResponse) => unknown;
  interface Express {
    all(path: string, handler: Handler): Express;
    get(path: string, handler: Handler): Express;
    post(path: string, handler: Handler): Express;
    listen(port: number): unknown;
  }
  export default function express(): Express;
}

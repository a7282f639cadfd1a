import { errorResponse } from './serverResponses';

/**
 * What an app's `authorize` hook answers: nothing or `true` to let the request through, `{ ownerId }` to let it
 * through as that user (who then sees only their own jobs), `false` for a plain 403, or a `Response` of the app's
 * own (401 with a login hint, 429 with `Retry-After`...), which is returned as it is. An object whose `ownerId` is
 * missing or empty (say `{ ownerId: session.user?.id }` with no user) is refused with a 401: a missing identity
 * never skips the owner checks.
 */
export type AuthorizeResult = void | undefined | boolean | { ownerId?: string } | Response;

export type Authorize = (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;

/** Runs the hook: either the response to answer with, or the caller's owner id (when the app gave one). */
export async function runAuthorize(
  authorize: Authorize | undefined,
  request: Request,
): Promise<{ response: Response } | { response?: undefined; ownerId: string | undefined }> {
  if (!authorize) return { ownerId: undefined };
  const result = await authorize(request);
  if (result instanceof Response) return { response: result };
  if (result === false) return { response: errorResponse(403, 'forbidden', 'the app refused this request') };
  if (typeof result === 'object' && result !== null) {
    if (typeof result.ownerId === 'string' && result.ownerId.trim() !== '') return { ownerId: result.ownerId };
    return {
      response: errorResponse(
        401,
        'unauthorized',
        `authorize returned no ownerId (${describeOwnerId(result.ownerId)}): the request is refused rather than let through without owner checks; return { ownerId } with the signed-in user's id, a 401 Response when nobody is signed in, or true when the app has no users`,
      ),
    };
  }
  return { ownerId: undefined };
}

/** `process.env` where there is one (Node, Bun, Next.js), `{}` elsewhere (Workers, Deno without permission). */
export function defaultEnv(): Record<string, string | undefined> {
  const maybeProcess = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return maybeProcess?.env ?? {};
}

function describeOwnerId(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a blank string';
  return `a ${value === null ? 'null' : typeof value}`;
}

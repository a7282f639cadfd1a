// What the README's Next.js snippets take from the user's own app (`@/auth`, `@/db`), as in-memory stand-ins the run
// test (next.test.tsx) controls. The type check uses ambient.d.ts instead; these have the same shapes.

/** The signed-in user of the current request, as the app's session lookup would find it. */
export const session: { current: { user: { id: string } } | null } = { current: null };

/** `auth()` from `@/auth`: the app's session lookup (Auth.js style). */
export async function auth(): Promise<{ user: { id: string } } | null> {
  return session.current;
}

/** Rows written by `db.videoJob.upsert`, oldest first. */
export const upserts: { id: string; row: { status: string; url: string | undefined } }[] = [];

/** `db` from `@/db`: the app's database client. */
export const db = {
  videoJob: {
    async upsert(id: string, row: { status: string; url: string | undefined }): Promise<unknown> {
      upserts.push({ id, row });
      return row;
    },
  },
};

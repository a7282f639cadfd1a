// Replicate's files API as the simulator speaks it: `POST /v1/files`, a multipart form whose `content` part is the
// file (its filename and type) and an optional `metadata` JSON part, answered with the file resource
// (https://sdks.replicate.com/resources/files; example in the replicate-javascript README, `replicate.files.create`):
// `id`, `name`, `content_type`, `size`, `etag`, `checksums` (sha256, md5), `metadata`, `created_at`, `expires_at`
// (24 h later: "Files uploaded to Replicate using this endpoint expire after 24 hours") and `urls.get`, the opaque URL a
// prediction input takes. Assumed where the docs are silent: `201` (as a prediction create), and a `400` problem
// detail for a body without a `content` file or with metadata that is not JSON.
import type { RoutedSimRequest, WireContext } from '../wireFormat';
import { isoTime } from './holdUntilEnded';

const FILE_TTL_MS = 24 * 60 * 60 * 1000;

export async function createFile(req: RoutedSimRequest, ctx: WireContext, root: string): Promise<Response> {
  const bad = (detail: string) => ctx.json(400, { title: 'Bad Request', detail, status: 400 });
  let form: FormData;
  try {
    form = await new Response(req.bytes as Uint8Array<ArrayBuffer>, { headers: req.headers }).formData();
  } catch {
    return bad('The request body must be multipart/form-data');
  }
  const content = form.get('content');
  if (!(content instanceof Blob)) return bad('The request must include the file in its `content` field');
  const name = (content as Partial<File>).name || 'blob';
  let metadata: unknown = {};
  const given = form.get('metadata');
  if (given !== null) {
    try {
      metadata = JSON.parse(typeof given === 'string' ? given : await given.text());
    } catch {
      return bad('`metadata` must be valid JSON');
    }
  }
  const bytes = new Uint8Array(await content.arrayBuffer());
  const contentType = content.type || 'application/octet-stream';
  const file = ctx.storeUpload({ bytes, contentType, fileName: name });
  const md5 = md5Hex(bytes);
  const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), hex).join('');
  return ctx.json(201, {
    id: file.id,
    name,
    content_type: contentType,
    size: bytes.length,
    etag: md5,
    checksums: { sha256, md5 },
    metadata,
    created_at: isoTime(file.createdAt),
    expires_at: isoTime(file.createdAt + FILE_TTL_MS),
    urls: { get: `${root}/files/${file.id}` },
  });
}

/**
 * The upload id a prediction input names when it is one of this simulator's file URLs (`<base>[/v1]/files/<id>`, `base`
 * the API's origin as the caller reached it), so the create can check it exists; `undefined` for any other value.
 */
export function fileIdOf(value: unknown, base: string): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(`${base}/`)) return undefined;
  return /^(?:\/v1)?\/files\/([A-Za-z0-9_-]+)$/.exec(value.slice(base.length))?.[1];
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** MD5 (RFC 1321) as hex, for the file's `etag` and `checksums.md5`; Web Crypto has no MD5. */
export function md5Hex(bytes: Uint8Array): string {
  const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const constants = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
  const padded = new Uint8Array((((bytes.length + 8) >> 6) << 6) + 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, (bytes.length * 8) >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bytes.length / 0x20000000), true);
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let offset = 0; offset < padded.length; offset += 64) {
    let [a, b, c, d] = state as [number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f =
        round === 0 ? (b & c) | (~b & d) : round === 1 ? (d & b) | (~d & c) : round === 2 ? b ^ c ^ d : c ^ (b | ~d);
      const g = round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
      const sum = (a + f + constants[i]! + view.getUint32(offset + g * 4, true)) >>> 0;
      const shift = shifts[round * 4 + (i % 4)]!;
      [a, d, c] = [d, c, b];
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
    }
    state[0] = (state[0]! + a) >>> 0;
    state[1] = (state[1]! + b) >>> 0;
    state[2] = (state[2]! + c) >>> 0;
    state[3] = (state[3]! + d) >>> 0;
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  state.forEach((word, index) => outView.setUint32(index * 4, word, true));
  return Array.from(out, hex).join('');
}

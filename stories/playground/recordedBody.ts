// Request bodies as the page simulator's replay log keeps them in localStorage. Text is kept as it is; an image (a file
// body, a multipart file, base64 in JSON) is kept as its pixel size only and rebuilt on replay as the sample PNG of that
// size: the simulator then stores an upload, and spends its ids, exactly as it did the first time, without megabytes of
// pixels in storage.
import { IMAGE_HEADER_BYTES, readImageHeader } from '../../src/core/imageHeader';
import { sampleImageBytes } from '../../src/testing/sampleImage';

interface ImageStandIn {
  width: number;
  height: number;
}

export type RecordedBody =
  string | { image: ImageStandIn } | { form: Array<[string, string | { image: ImageStandIn; fileName: string }]> };

/** Strings longer than this in a JSON body are looked at as base64 images. */
const LONG_STRING = 4096;
const STAND_IN_KEY = '$sampleImage';

export async function recordBody(body: BodyInit | null | undefined): Promise<RecordedBody | undefined> {
  if (typeof body === 'string') return body.length > LONG_STRING ? shrinkJson(body) : body;
  if (body instanceof Blob) {
    // A JSON body sent as a Blob (so its bytes are timed and reported, e.g. Kling's base64 frames) is text.
    if (/^(application\/json|text\/)/.test(body.type)) return recordBody(await body.text());
    // A multipart form built by hand (Replicate's files API) is read back as the form it is.
    if (body.type.startsWith('multipart/form-data')) {
      return recordBody(await new Response(body, { headers: { 'content-type': body.type } }).formData());
    }
    const image = await standIn(body);
    return image && { image };
  }
  if (body instanceof FormData) {
    const form: Array<[string, string | { image: ImageStandIn; fileName: string }]> = [];
    for (const [name, value] of body.entries()) {
      if (typeof value === 'string') form.push([name, value]);
      else {
        const image = await standIn(value);
        if (image) form.push([name, { image, fileName: value.name }]);
      }
    }
    return { form };
  }
  return undefined;
}

export function replayBody(recorded: RecordedBody | undefined): BodyInit | undefined {
  if (recorded === undefined) return undefined;
  if (typeof recorded === 'string') return recorded.includes(STAND_IN_KEY) ? growJson(recorded) : recorded;
  if ('image' in recorded) return samplePng(recorded.image);
  const form = new FormData();
  for (const [name, value] of recorded.form) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, samplePng(value.image), value.fileName);
  }
  return form;
}

async function standIn(blob: Blob): Promise<ImageStandIn | undefined> {
  const header = readImageHeader(new Uint8Array(await blob.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  return header && { width: header.width, height: header.height };
}

function samplePng(size: ImageStandIn): Blob {
  return new Blob([sampleImageBytes(size)], { type: 'image/png' });
}

/** Base64 images (bare or as `data:` URLs) in a JSON body become `{ "$sampleImage": { width, height, dataUrl } }`. */
function shrinkJson(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(parsed, (_key, value: unknown) => {
    if (typeof value !== 'string' || value.length <= LONG_STRING) return value;
    const dataUrl = /^data:image\/[\w+.-]+;base64,/.exec(value)?.[0];
    const base64 = dataUrl ? value.slice(dataUrl.length) : value;
    const head = decodeBase64(base64.slice(0, Math.ceil((IMAGE_HEADER_BYTES * 4) / 3 / 4) * 4));
    const header = head && readImageHeader(head);
    return header
      ? { [STAND_IN_KEY]: { width: header.width, height: header.height, dataUrl: Boolean(dataUrl) } }
      : value;
  });
}

function growJson(text: string): string {
  return JSON.stringify(JSON.parse(text), (_key, value: unknown) => {
    const stand = (value as Record<string, unknown> | null)?.[STAND_IN_KEY] as
      (ImageStandIn & { dataUrl: boolean }) | undefined;
    if (!stand || typeof value !== 'object') return value;
    const base64 = encodeBase64(sampleImageBytes(stand));
    return stand.dataUrl ? `data:image/png;base64,${base64}` : base64;
  });
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text);
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

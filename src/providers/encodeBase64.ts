import type { UploadProgress } from '../core/imageInput';
import { abortReason } from '../core/sleep';

/** Bytes read and encoded per step: a multiple of 3, so no `=` padding falls inside the text. */
const STEP_BYTES = 3 * 256 * 1024;
/** Bytes turned into one `String.fromCharCode` call (well under any engine's argument limit). */
const CHAR_CODES_PER_CALL = 0x8000;

export interface EncodeBase64Options {
  /** Stops between steps with the signal's reason (`cancelled`). */
  signal?: AbortSignal | undefined;
  /** Called after each step with the bytes encoded so far. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
}

/**
 * A file's bytes as raw base64 text (no `data:` prefix), for APIs that take the image inside their JSON (Kling).
 * Works in browsers and Node alike (`btoa`, no `Buffer`), reads the file in 768 KB steps so a 10 MB image reports its
 * progress and can be aborted, and makes no request.
 */
export async function encodeBase64(blob: Blob, options: EncodeBase64Options = {}): Promise<string> {
  const { signal, onProgress } = options;
  const total = blob.size;
  const parts: string[] = [];
  for (let start = 0; start < total; start += STEP_BYTES) {
    if (signal?.aborted) throw abortReason(signal);
    const end = Math.min(total, start + STEP_BYTES);
    const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
    let binary = '';
    for (let offset = 0; offset < bytes.length; offset += CHAR_CODES_PER_CALL) {
      binary += String.fromCharCode(...bytes.subarray(offset, offset + CHAR_CODES_PER_CALL));
    }
    parts.push(btoa(binary));
    onProgress?.({ loaded: end, total });
  }
  if (signal?.aborted) throw abortReason(signal);
  return parts.join('');
}

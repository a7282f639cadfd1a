/**
 * What an image file really is, read from its first bytes (not from its name or declared type): PNG, JPEG or WebP,
 * with its pixel size. Pure and small, so the client checks dimensions before an upload and the server's upload
 * route checks what it receives, in any runtime (no canvas, no `createImageBitmap`).
 */
export interface ImageHeader {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** How many leading bytes `readImageHeader` reads: enough for PNG and WebP, and for JPEG metadata up to 64 KB. */
export const IMAGE_HEADER_BYTES = 64 * 1024;

/** The type and size read from the bytes, or `undefined` when they are not a PNG, JPEG or WebP this can read. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (isPng(bytes)) {
    // The IHDR chunk comes first: width and height are big-endian at 16 and 20.
    if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
    return sized('image/png', be32(bytes, 16), be32(bytes, 20));
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return readWebp(bytes);
  return undefined;
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((byte, index) => bytes[index] === byte);
}

/** Walks the JPEG markers to the first start-of-frame (SOF0..SOF15 except DHT, JPG and DAC), which holds the size. */
function readJpeg(bytes: Uint8Array): ImageHeader | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = be16(bytes, offset + 2);
    if (length < 2) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return sized('image/jpeg', be16(bytes, offset + 7), be16(bytes, offset + 5));
    offset += 2 + length;
  }
  return undefined;
}

function readWebp(bytes: Uint8Array): ImageHeader | undefined {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return sized('image/webp', le16(bytes, 26) & 0x3fff, le16(bytes, 28) & 0x3fff);
  }
  if (chunk === 'VP8L' && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = (bytes[21]! | (bytes[22]! << 8) | (bytes[23]! << 16) | (bytes[24]! << 24)) >>> 0;
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    return sized('image/webp', le24(bytes, 24) + 1, le24(bytes, 27) + 1);
  }
  return undefined;
}

function sized(type: ImageHeader['type'], width: number, height: number): ImageHeader | undefined {
  return width > 0 && height > 0 ? { type, width, height } : undefined;
}

const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const be32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const le16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const le24 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let text = '';
  for (let index = start; index < start + length && index < bytes.length; index++) {
    text += String.fromCharCode(bytes[index]!);
  }
  return text;
}

// A real PNG made on the spot, for tests and the playground: any size, a two-colour diagonal gradient, stored
// (uncompressed) deflate, so it needs no zlib and runs in a browser as in Node. Decodes in every browser and image tool.

export interface SampleImageOptions {
  /** Pixels. Defaults to `640`. */
  width?: number;
  /** Pixels. Defaults to `360`. */
  height?: number;
}

/** The PNG's bytes. A 640x360 image is about 690 KB (uncompressed on purpose: big enough to show upload progress). */
export function sampleImageBytes(options: SampleImageOptions = {}): Uint8Array<ArrayBuffer> {
  const width = Math.max(1, Math.floor(options.width ?? 640));
  const height = Math.max(1, Math.floor(options.height ?? 360));
  const row = 1 + width * 3;
  const raw = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      const offset = y * row + 1 + x * 3;
      raw[offset] = Math.round(40 + 180 * t);
      raw[offset + 1] = Math.round(90 + 60 * (1 - t));
      raw[offset + 2] = Math.round(200 - 120 * t);
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', storedZlib(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The sample PNG as a `File` (or a `Blob` where `File` does not exist), named `sample.png`. */
export function sampleImageFile(options: SampleImageOptions = {}): Blob {
  const bytes = sampleImageBytes(options);
  return typeof File === 'function'
    ? new File([bytes], 'sample.png', { type: 'image/png' })
    : new Blob([bytes], { type: 'image/png' });
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let index = 0; index < 4; index++) out[4 + index] = type.charCodeAt(index);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** zlib framing around stored deflate blocks (at most 65,535 bytes each), with the Adler-32 trailer. */
function storedZlib(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65_535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let block = 0; block < blocks; block++) {
    const start = block * 65_535;
    const size = Math.min(65_535, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0;
    out[at + 1] = size & 0xff;
    out[at + 2] = size >>> 8;
    out[at + 3] = ~size & 0xff;
    out[at + 4] = (~size >>> 8) & 0xff;
    out.set(data.subarray(start, start + size), at + 5);
    at += 5 + size;
  }
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65_521;
    b = (b + a) % 65_521;
  }
  new DataView(out.buffer).setUint32(at, ((b << 16) | a) >>> 0);
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// Keeps a provider key out of what the proxy passes back. Masking is a second line: the proxy never forwards the
// upstream's status text, masks every body and header in the forms a key takes when echoed (raw, JSON-escaped,
// percent-encoded, base64), and withholds a text answer that still carries the key after masking.

const encoder = new TextEncoder();
const REDACTED = '[redacted]';

/** The forms of `key` to look for: as sent, escaped for JSON, percent-encoded, and base64 at each alignment. */
function keyForms(key: string): string[] {
  const forms = new Set<string>([key]);
  // Long parts of a composite key (fal's `id:secret`) leak on their own too.
  for (const part of key.split(/[:\s]/)) if (part.length >= 12) forms.add(part);
  for (const form of [...forms]) {
    forms.add(JSON.stringify(form).slice(1, -1));
    forms.add(JSON.stringify(form).slice(1, -1).replace(/\//g, '\\/'));
    const encoded = encodeURIComponent(form);
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    for (const variant of base64Forms(form)) forms.add(variant);
  }
  return [...forms].filter((form) => form.length >= 8).sort((a, b) => b.length - a.length);
}

/**
 * The part of `text`'s base64 that is the same wherever `text` starts in a longer string: for each of the three
 * byte alignments, the encoding without its edge characters (which depend on the neighbouring bytes).
 */
function base64Forms(text: string): string[] {
  const bytes = encoder.encode(text);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = btoa(String.fromCharCode(...padded)).replace(/=+$/, '');
    // Character i holds bits [6i, 6i + 6): it depends on the key alone when they fall within the key's bytes.
    const start = Math.ceil((offset * 4) / 3);
    const end = Math.floor(((offset + bytes.length) * 4) / 3);
    const core = encoded.slice(start, end);
    if (core.length >= 8) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

export interface KeyMask {
  /** `text` with every form of the key replaced by `[redacted]`. */
  maskText(text: string): string;
  /**
   * Whether `text` still carries the key after masking: decoded from percent-encoding, JSON escapes and
   * backslashes, the ways an answer could spell it that masking does not list.
   */
  carriesKey(text: string): boolean;
  /** A stream transform that overwrites every form of the key with `*` of the same length (sizes are kept). */
  maskStream(): TransformStream<Uint8Array, Uint8Array>;
}

export function createKeyMask(key: string): KeyMask {
  const forms = keyForms(key);
  const byteForms = forms.map((form) => encoder.encode(form));
  const longest = Math.max(...byteForms.map((form) => form.length));
  const lowerKey = key.toLowerCase();

  function maskText(text: string): string {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  function carriesKey(text: string): boolean {
    const candidates = [text, text.replace(/\\/g, '')];
    try {
      candidates.push(decodeURIComponent(text));
    } catch {
      // Not percent-encoded as a whole.
    }
    try {
      candidates.push(JSON.stringify(JSON.parse(text) as unknown));
    } catch {
      // Not JSON.
    }
    return candidates.some(
      (candidate) => forms.some((form) => candidate.includes(form)) || candidate.toLowerCase().includes(lowerKey),
    );
  }

  function overwrite(buffer: Uint8Array): void {
    for (const form of byteForms) {
      let at = buffer.indexOf(form[0]!);
      while (at !== -1 && at + form.length <= buffer.length) {
        let match = true;
        for (let i = 1; i < form.length; i++) {
          if (buffer[at + i] !== form[i]) {
            match = false;
            break;
          }
        }
        if (match) buffer.fill(0x2a, at, at + form.length);
        at = buffer.indexOf(form[0]!, at + 1);
      }
    }
  }

  function maskStream(): TransformStream<Uint8Array, Uint8Array> {
    // A key split across two chunks is still found: the bytes after the last newline (a key has none), at most
    // `longest - 1`, wait for the next chunk. An event stream's complete lines are never held back.
    let carry = new Uint8Array(0);
    return new TransformStream({
      transform(chunk, controller) {
        const buffer = new Uint8Array(carry.length + chunk.length);
        buffer.set(carry);
        buffer.set(chunk, carry.length);
        overwrite(buffer);
        const keep = Math.min(buffer.length - 1 - buffer.lastIndexOf(0x0a), longest - 1);
        if (buffer.length > keep) controller.enqueue(buffer.slice(0, buffer.length - keep));
        carry = buffer.slice(buffer.length - keep);
      },
      flush(controller) {
        if (carry.length > 0) controller.enqueue(carry);
      },
    });
  }

  return { maskText, carriesKey, maskStream };
}

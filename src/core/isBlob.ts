/**
 * A `Blob` (or `File`), also one from another realm (jsdom's in a test, another frame's): anything with a size and the
 * Blob methods the image code reads. Small and static, so the observer can size an upload without the image code.
 */
export function isBlob(value: unknown): value is Blob {
  return (
    typeof Blob !== 'undefined' &&
    (value instanceof Blob ||
      (typeof value === 'object' &&
        value !== null &&
        typeof (value as Blob).arrayBuffer === 'function' &&
        typeof (value as Blob).size === 'number' &&
        typeof (value as Blob).slice === 'function'))
  );
}

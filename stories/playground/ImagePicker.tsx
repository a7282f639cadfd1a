import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '../../src/core/formatBytes';
import type { ImageLimits } from '../../src/core/imageInput';
import { sampleImageFile } from '../../src/testing/sampleImage';

/** The chosen start image and the `blob:` URL of its preview (made when it was picked, revoked when replaced). */
export interface PickedImage {
  file: File;
  preview: string;
}

interface ImagePickerProps {
  image: PickedImage | undefined;
  onChange(image: PickedImage | undefined): void;
  /** What the client said when it refused the file (`invalid_input`), shown under the picker. */
  error: string | undefined;
  /** The provider's documented limits; `undefined` when it takes no start image. */
  limits: ImageLimits | undefined;
  providerLabel: string;
  /** The sample image's size, one the provider takes. */
  sampleSize: { width: number; height: number };
}

/**
 * The start image: a file input (with its label), drag and drop onto the box, paste from the clipboard anywhere on the
 * page, or the sample PNG; a small preview with Remove. The file goes as `image` in `generate`'s input as it is: the
 * client checks it against the provider's limits and its refusal comes back as `error`.
 */
export function ImagePicker({ image, onChange, error, limits, providerLabel, sampleSize }: ImagePickerProps) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  // What the browser made of the file: its pixel size, or that it could not show it (not an image it reads).
  const [decoded, setDecoded] = useState<{ width: number; height: number } | 'unreadable'>();

  const choose = useCallback(
    (file: File | undefined) => {
      if (image) URL.revokeObjectURL(image.preview);
      setDecoded(undefined);
      onChange(file && { file, preview: URL.createObjectURL(file) });
      // The input shows the chosen name; clear it when the file came another way, so it never names an old file.
      if (inputRef.current && file !== inputRef.current.files?.[0]) inputRef.current.value = '';
    },
    [image, onChange],
  );

  // A pasted image (Ctrl+V / Cmd+V) becomes the start image, wherever the focus is; pasted text is left alone.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const pasted = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
      if (!pasted) return;
      event.preventDefault();
      choose(pasted);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [choose]);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) choose(dropped);
  }

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <fieldset className="pg-fieldset pg-image">
      <legend>Start image (optional)</legend>
      <div
        className="pg-dropzone"
        data-dragging={dragging ? '' : undefined}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label className="pg-field" htmlFor={`${id}-file`}>
          Image file
        </label>
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          accept={limits?.types.join(',') ?? 'image/*'}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          aria-invalid={error ? true : undefined}
          onChange={(event) => choose(event.target.files?.[0])}
        />
        <p id={hintId} className="pg-hint">
          Or drop one here, or paste it. {limitsText(limits, providerLabel)}
        </p>
        <button
          type="button"
          className="pg-secondary pg-small"
          onClick={() => choose(sampleImageFile(sampleSize) as File)}
        >
          Use a sample image
        </button>
      </div>
      {image && (
        <div className="pg-preview">
          {decoded === 'unreadable' ? (
            <span className="pg-preview-missing" aria-hidden="true">
              ?
            </span>
          ) : (
            <img
              src={image.preview}
              alt={`Start image: ${image.file.name || 'pasted image'}`}
              onLoad={(event) =>
                setDecoded({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })
              }
              onError={() => setDecoded('unreadable')}
            />
          )}
          <div className="pg-preview-text">
            <span className="pg-preview-name">{image.file.name || 'Pasted image'}</span>
            <span className="pg-hint">
              {formatBytes(image.file.size)}
              {decoded === 'unreadable'
                ? ' · not an image this browser can show'
                : decoded
                  ? ` · ${decoded.width}×${decoded.height}`
                  : ''}
            </span>
          </div>
          <button
            type="button"
            className="pg-secondary pg-small"
            aria-label={`Remove the start image ${image.file.name}`.trim()}
            onClick={() => {
              choose(undefined);
              inputRef.current?.focus();
            }}
          >
            Remove
          </button>
        </div>
      )}
      {error && (
        <p id={errorId} className="pg-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function limitsText(limits: ImageLimits | undefined, provider: string): string {
  if (!limits) return `${provider} takes no start image: one chosen here is refused by the client.`;
  const types = limits.types.map((type) => TYPE_NAMES[type] ?? type).join(', ');
  return `${provider} takes ${types}, up to ${formatBytes(limits.maxBytes)}.`;
}

const TYPE_NAMES: Record<string, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };

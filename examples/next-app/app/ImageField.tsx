'use client';
// A start image for the video: pick a file (or drop or paste one), see it, remove it. The file goes to `generate` as
// `image` as it is: the library checks it against the provider's limits, uploads it the provider's way (through the
// proxy route where the key is needed, straight to a pre-signed URL where it is not) and reports the upload's progress.
import { useEffect, useId, useRef, useState } from 'react';

export function ImageField(props: { file?: File; onChange(file: File | undefined): void; error?: string }) {
  const { file, onChange, error } = props;
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string>();
  useEffect(() => {
    if (!file) return undefined;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => {
      URL.revokeObjectURL(url);
      setPreview(undefined);
    };
  }, [file]);
  // An image pasted anywhere on the page (Ctrl+V / Cmd+V) becomes the start image; pasted text is left alone.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const pasted = [...(event.clipboardData?.files ?? [])].find((item) => item.type.startsWith('image/'));
      if (!pasted) return;
      event.preventDefault();
      onChange(pasted);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [onChange]);

  return (
    <div
      data-testid="image-field"
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        const dropped = event.dataTransfer.files[0];
        if (dropped) onChange(dropped);
      }}
    >
      <label htmlFor={id}>Start image (optional, or drop or paste one)</label>{' '}
      <input
        ref={input}
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.files?.[0])}
      />
      {file && preview && (
        <span>
          <img src={preview} alt={`Start image: ${file.name}`} width={64} height={36} style={{ objectFit: 'cover' }} />{' '}
          <button
            type="button"
            onClick={() => {
              onChange(undefined);
              if (input.current) input.current.value = '';
              input.current?.focus();
            }}
          >
            Remove
          </button>
        </span>
      )}
      {error && (
        <p id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

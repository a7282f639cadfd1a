'use client';

import { useEffect, useState } from 'react';
import type { VideoJobProgressLabels } from './videoJobProgressLabels';

export interface FailureDetailsProps {
  /** The technical text (the provider's reason, the request that failed). */
  detail: string | undefined;
  jobId: string | undefined;
  labels: Pick<VideoJobProgressLabels, 'details' | 'jobId' | 'copyJobId' | 'copied'>;
}

/** How long the copy button says "Copied". */
const COPIED_MS = 2_000;

/**
 * The technical side of a failure behind a disclosure: the reason as the provider or the request gave it, and the
 * job id with a copy button, for a support request. Not in the live region: people hear the short sentence only.
 */
export function FailureDetails({ detail, jobId, labels }: FailureDetailsProps) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  if (!detail && !jobId) return null;

  function copy() {
    if (!jobId) return;
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    clipboard?.writeText(jobId).then(
      () => setCopied(true),
      () => {},
    );
  }

  return (
    <details data-part="details">
      <summary data-part="details-summary">{labels.details}</summary>
      {detail && <p data-part="detail">{detail}</p>}
      {jobId && (
        <p data-part="job-id">
          <span>{labels.jobId}</span> <code>{jobId}</code>{' '}
          <button type="button" data-part="copy" data-state={copied ? 'copied' : 'idle'} onClick={copy}>
            {copied ? labels.copied : labels.copyJobId}
          </button>
        </p>
      )}
    </details>
  );
}

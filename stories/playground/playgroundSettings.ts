import { useEffect, useState } from 'react';
import type { SimFaults, SimJobSpec } from '../../src/testing';
import { SAMPLE_MP4_DURATION_SECONDS, SAMPLE_MP4_HEIGHT, SAMPLE_MP4_WIDTH } from '../../src/testing/sampleVideo';

export interface PlaygroundSettings {
  provider: string;
  prompt: string;
  queueSeconds: number;
  /** Jobs ahead in the queue at submit. */
  queuePosition: number;
  runSeconds: number;
  /** Chance (0..100) that a job ends failed. */
  failurePercent: number;
  /** Chance (0..100) that any request meets a fault: a 5xx, a 429 or a dropped connection. */
  faultPercent: number;
  reportsProgress: boolean;
  /** Upstream speed of the simulated link, for the start image's upload (KB/s; 0: instant). */
  uploadKbps: number;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = {
  provider: 'fal',
  prompt: 'A red fox trotting through fresh snow at dawn, cinematic, shallow depth of field',
  queueSeconds: 3,
  queuePosition: 4,
  runSeconds: 8,
  failurePercent: 0,
  faultPercent: 0,
  reportsProgress: true,
  uploadKbps: 300,
};

const STORAGE_KEY = 'react-video-jobs:playground:settings';

/** The settings, kept in localStorage so a reload comes back to the same provider (and resumes its job). */
export function useStoredSettings(): [PlaygroundSettings, (patch: Partial<PlaygroundSettings>) => void] {
  const [settings, setSettings] = useState<PlaygroundSettings>(() => {
    try {
      return { ...DEFAULT_SETTINGS, ...(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as object) };
    } catch {
      return DEFAULT_SETTINGS;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      // Not stored: the playground still works.
    }
  }, [settings]);
  return [settings, (patch) => setSettings((current) => ({ ...current, ...patch }))];
}

/** The next job's behaviour; whether it fails is decided here, so a replay after a reload repeats it. */
export function jobSpecFor(settings: PlaygroundSettings, random: () => number = Math.random): SimJobSpec {
  return {
    queueMs: Math.round(settings.queueSeconds * 1000),
    queuePosition: Math.max(0, Math.round(settings.queuePosition)),
    runMs: Math.round(settings.runSeconds * 1000),
    reportsProgress: settings.reportsProgress,
    outcome: random() * 100 < settings.failurePercent ? 'failed' : 'completed',
    video: { width: SAMPLE_MP4_WIDTH, height: SAMPLE_MP4_HEIGHT, durationSeconds: SAMPLE_MP4_DURATION_SECONDS },
  };
}

export function faultsFor(settings: PlaygroundSettings): SimFaults {
  const rate = Math.min(100, Math.max(0, settings.faultPercent)) / 100;
  return { serverErrorRate: rate * 0.5, rateLimitRate: rate * 0.3, retryAfterSeconds: 1, dropRate: rate * 0.2 };
}

/** Everything the playground keeps in localStorage, for "Reset". */
export function clearPlaygroundStorage(): void {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith('react-video-jobs:') && key !== STORAGE_KEY) localStorage.removeItem(key);
  }
}

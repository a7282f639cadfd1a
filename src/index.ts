// Public API of react-video-jobs: what apps use (the client, provider factories, hooks, components and the types
// they need). Adapter authors import from react-video-jobs/adapter (src/adapter.ts); everything else is internal.
// Explicit named exports, and the vanilla entry's whole list; each layer keeps its own section.
// test/package/api-surface.txt lists the surface.

// --- core and providers: everything of react-video-jobs/vanilla (the engine without React), listed there once ---
export * from './vanilla';

// --- react ---
export type {
  VideoGenerationStatus,
  VideoJobState,
  FollowJobOptions,
  UseJobStatusOptions,
  UseJobStatusResult,
  UseVideoGenerationOptions,
  UseVideoGenerationResult,
  GenerateOptions,
  PersistOptions,
  PersistedJob,
  StateStorage,
  JobStorage,
  TrackedJob,
  UseVideoJobsOptions,
  UseVideoJobsResult,
} from './react/types';
export type { VideoJobsProviderProps } from './react/VideoJobsProvider';
export { VideoJobsProvider, useVideoClient, useOptionalVideoClient } from './react/VideoJobsProvider';
export type { VideoJobQueryKey } from './react/videoJobKeys';
export { videoJobKeys } from './react/videoJobKeys';
export type { JobQueryOptionsInit } from './react/jobQueryOptions';
export { jobQueryOptions } from './react/jobQueryOptions';
export { createJSONStorage } from './react/createJSONStorage';
export type { PersistedDurationModelOptions } from './react/persistedDurationModel';
export { createPersistedDurationModel } from './react/persistedDurationModel';
export { useJobStatus } from './react/useJobStatus';
export { useVideoGeneration } from './react/useVideoGeneration';
export type { UseCancelJobResult } from './react/useCancelJob';
export { useCancelJob } from './react/useCancelJob';
export { useVideoJobs } from './react/useVideoJobs';

// --- components ---
export type { VideoJobProgressProps, VideoJobProgressElement } from './components/VideoJobProgress';
export { VideoJobProgress } from './components/VideoJobProgress';
export type { VideoJobProgressLabels } from './components/videoJobProgressLabels';
export { defaultVideoJobProgressLabels } from './components/videoJobProgressLabels';
export type { VideoJobProgressState, VideoJobDisplayStatus } from './components/videoJobProgressView';
export type { VideoPlayerProps, VideoPlayerElement } from './components/VideoPlayer';
export { VideoPlayer } from './components/VideoPlayer';
export type { VideoPlayerLabels } from './components/videoPlayerLabels';
export { defaultVideoPlayerLabels } from './components/videoPlayerLabels';
export type { VideoJobGalleryProps, VideoJobGalleryItem } from './components/VideoJobGallery';
export { VideoJobGallery } from './components/VideoJobGallery';
export type { UseJobEndNoticeOptions } from './components/useJobEndNotice';
export { useJobEndNotice, requestJobNotifications } from './components/useJobEndNotice';

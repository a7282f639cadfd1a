// Public API of react-video-jobs: what apps use (the client, provider factories, hooks, components and the types
// they need). Adapter authors import from react-video-jobs/adapter (src/adapter.ts); everything else is internal.
// Explicit named exports only; each layer keeps its own section. test/package/api-surface.txt lists the surface.

// --- core ---
export type { JobStatus, TerminalJobStatus } from './core/jobStatus';
export { isTerminalStatus } from './core/jobStatus';
export type { JobRef, JobUrls, JobSnapshot, VideoResult, JobCancellation } from './core/jobSnapshot';
export type { VideoJobErrorKind, VideoJobErrorJSON } from './core/videoJobError';
export { VideoJobError } from './core/videoJobError';
export type { RetryOptions } from './core/transport';
export type { ProviderAdapter, ProviderCapabilities } from './core/provider';
export type { PollingOptions } from './core/schedule';
export type { DurationModel, DurationModelOptions, DurationModelState } from './core/durationModel';
export { createDurationModel } from './core/durationModel';
export type { VideoClient, VideoClientOptions, SubmitOptions, WatchOptions, NextPollOptions } from './core/videoClient';
export { createVideoClient } from './core/createVideoClient';
// Observers: the engine's framework-free API for Vue, Svelte or vanilla code (the hooks are thin wrappers of them).
export { GenerationObserver } from './core/generationObserver';
export type { GenerationObserverOptions, GenerationObserverResult } from './core/generationObserver';
export { JobObserver } from './core/jobObserver';
export type { JobObserverOptions, JobObserverResult } from './core/jobObserver';
// Push updates: createVideoClient({ events }) with the job event stream of react-video-jobs/server.
export type { PushUpdatesOptions, ClientPushState } from './core/pushUpdates';
// Snapshots as plain JSON, e.g. from a Server Component to a client component.
export { snapshotToJSON, snapshotFromJSON } from './core/snapshotJson';
export type { JobSnapshotJSON } from './core/snapshotJson';

// --- providers (your own API: defineProvider from react-video-jobs/adapter) ---
export type { CommonProviderOptions } from './providers/shared';
export { fal } from './providers/fal';
export type { FalOptions, FalInput } from './providers/fal';
export { kling } from './providers/kling';
export type { KlingOptions, KlingInput } from './providers/kling';
export { aigateway } from './providers/aigateway';
export type { AigatewayOptions, AigatewayInput } from './providers/aigateway';
export { videogen } from './providers/videogen';
export type { VideoGenOptions, VideoGenInput } from './providers/videogen';
export { visgate } from './providers/visgate';
export type { VisgateOptions, VisgateInput } from './providers/visgate';
export { openaiVideos } from './providers/openaiVideos';
export type { OpenAIVideosOptions, OpenAIVideosInput } from './providers/openaiVideos';
export { replicate } from './providers/replicate';
export type { ReplicateOptions, ReplicateInput, ReplicateWebhookEvent } from './providers/replicate';

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

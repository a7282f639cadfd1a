// Public API of react-video-jobs. Explicit named exports only; each layer keeps its own section.

// --- core ---
export type { JobStatus, TerminalJobStatus } from './core/jobStatus';
export { JOB_STATUSES, isTerminalStatus } from './core/jobStatus';
export type { JobRef, JobUrls, JobSnapshot, VideoResult, JobCancellation } from './core/jobSnapshot';
export { createSnapshot, jobKey } from './core/jobSnapshot';
export type { VideoJobErrorKind, VideoJobErrorInit, VideoJobErrorJSON } from './core/videoJobError';
export { VideoJobError, toVideoJobError } from './core/videoJobError';
export type {
  HttpMethod,
  HttpRequest,
  HttpResponse,
  RetryOptions,
  TransportOptions,
  Transport,
} from './core/transport';
export { createTransport, parseRetryAfter } from './core/transport';
export type {
  ProviderAdapter,
  ProviderCapabilities,
  ProviderContext,
  SubmitRequest,
  StatusRequest,
  CancelOutcome,
  Unchanged,
} from './core/provider';
export { UNCHANGED } from './core/provider';
export type { PollingOptions, ResolvedPollingOptions, PollHistory, ScheduleState } from './core/schedule';
export { nextPollDelay, resolvePollingOptions, DEFAULT_POLLING_OPTIONS } from './core/schedule';
export type { ProgressSample } from './core/etaEstimate';
export type {
  DurationModel,
  DurationModelOptions,
  DurationModelState,
  DurationEstimate,
  RunTimeEstimate,
} from './core/durationModel';
export { createDurationModel } from './core/durationModel';
export { isSameSnapshot } from './core/sameSnapshot';
export type { VideoClient, VideoClientOptions, SubmitOptions, WatchOptions, NextPollOptions } from './core/videoClient';
export { createVideoClient } from './core/createVideoClient';
// Push updates (createVideoClient({ events }) and the job event stream of react-video-jobs/server).
export type { PushUpdatesOptions, ClientPushState } from './core/pushUpdates';
export { subscribeJobEvents } from './core/jobEventSource';
export type {
  JobEventSourceOptions,
  JobEventSubscription,
  EventSourceLike,
  EventSourceConstructor,
} from './core/jobEventSource';
export { snapshotToJSON, snapshotFromJSON } from './core/snapshotJson';
export type { JobSnapshotJSON } from './core/snapshotJson';

// --- providers ---
export { fal, FAL_QUEUE_URL, FAL_TARGET_URL_HEADER } from './providers/fal';
export type { FalOptions, FalInput } from './providers/fal';
export type { CommonProviderOptions } from './providers/shared';
export type { KlingOptions, KlingInput } from './providers/kling';
export { kling } from './providers/kling';
export type { AigatewayOptions, AigatewayInput } from './providers/aigateway';
export { aigateway } from './providers/aigateway';
export type { VideoGenOptions, VideoGenInput } from './providers/videogen';
export { videogen } from './providers/videogen';
export type { VisgateOptions, VisgateInput } from './providers/visgate';
export { visgate } from './providers/visgate';
export type { OpenAIVideosOptions, OpenAIVideosInput } from './providers/openaiVideos';
export { openaiVideos } from './providers/openaiVideos';
export type { ReplicateOptions, ReplicateInput, ReplicateWebhookEvent } from './providers/replicate';
export { replicate } from './providers/replicate';
export type {
  ProviderDefinition,
  DefinedSchema,
  DefinedStatus,
  DefinedJob,
  DefinedSubmitContext,
} from './providers/defineProvider';
export { defineProvider } from './providers/defineProvider';

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
export { safeMediaUrl } from './components/safeMediaUrl';
export { formatDuration } from './components/formatDuration';

// react-video-jobs/vanilla: the engine without React, for Vue, Svelte, Solid or plain TypeScript, as zustand/vanilla
// is to zustand. The client, the provider factories, the observers the hooks are built on, and their types; nothing
// here imports React (test/package/vanillaEntry.test.ts walks the imports). Explicit named exports only.

// --- core ---
export type { JobStatus, TerminalJobStatus } from './core/jobStatus';
export { isTerminalStatus } from './core/jobStatus';
export type { JobRef, JobUrls, JobSnapshot, JobThumbnail, VideoResult, JobCancellation } from './core/jobSnapshot';
export type { VideoJobErrorKind, VideoJobErrorJSON } from './core/videoJobError';
export { VideoJobError } from './core/videoJobError';
export type { RetryOptions } from './core/transport';
export type { ProviderAdapter, ProviderCapabilities } from './core/provider';
// Input images: generate({ prompt, image: file }).
export type { ImageInput, ImageField, ImageLimits, UploadProgress } from './core/imageInput';
export type { UploadState } from './core/jobState';
// For providers that only download images from URLs (AI gateway, visgate): your upload route as their uploadImage.
export { uploadTo } from './core/uploadTo';
export type { UploadImage, UploadImageOptions, UploadToOptions } from './core/uploadTo';
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
// Push updates: createVideoClient({ events: pushEvents('/api/video/events') }) with the job event stream of
// react-video-jobs/server (opt-in: an app that never imports pushEvents does not ship the stream code).
export { pushEvents } from './core/clientPush';
export type { PushEvents } from './core/clientPush';
export type { PushUpdatesOptions, ClientPushState } from './core/pushUpdates';
// Snapshots as plain JSON, e.g. from a Server Component to a client component.
export { snapshotToJSON, snapshotFromJSON } from './core/snapshotJson';
export type { JobSnapshotJSON } from './core/snapshotJson';

// --- providers (your own API: defineProvider from react-video-jobs/adapter) ---
export type { CommonProviderOptions } from './providers/shared';
export { fal } from './providers/fal';
export type { FalOptions, FalInput } from './providers/fal';
export type { FalImageFields, FalImageFieldsOption } from './providers/falStorage';
export { kling } from './providers/kling';
export type { KlingOptions, KlingInput } from './providers/kling';
export { aigateway } from './providers/aigateway';
export type { AigatewayOptions, AigatewayInput } from './providers/aigateway';
export { videogen } from './providers/videogen';
export type { VideoGenOptions, VideoGenInput } from './providers/videogen';
export { visgate } from './providers/visgate';
export type { VisgateOptions, VisgateInput } from './providers/visgate';
export type { ImageUploadOptions } from './providers/defineProvider';
export { openaiVideos } from './providers/openaiVideos';
export type { OpenAIVideosOptions, OpenAIVideosInput } from './providers/openaiVideos';
export { replicate } from './providers/replicate';
export type { ReplicateOptions, ReplicateInput, ReplicateWebhookEvent } from './providers/replicate';
export type { ReplicateFileEncoding, ReplicateImageFields } from './providers/replicateFiles';

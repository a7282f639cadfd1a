// react-video-jobs/adapter: what an adapter author uses to wire another video API into the library, either with
// `defineProvider` (a definition: schemas, URLs, status mapping) or as a hand-written `ProviderAdapter`. No React;
// server-safe. Explicit named exports only.

// defineProvider, the path the built-in aigateway, videogen and visgate adapters take.
export { defineProvider } from './providers/defineProvider';
export type {
  ProviderDefinition,
  DefinedSchema,
  DefinedStatus,
  DefinedJob,
  DefinedSubmitContext,
  DefinedSubmitted,
  DefinedStatusContext,
  DefinedCancelContext,
  DefinedRequest,
  DefinedImageSupport,
  DefinedProviderOptions,
  ImageUploadOptions,
} from './providers/defineProvider';
export type { CommonProviderOptions } from './providers/shared';

// A hand-written adapter: the contract, the context the client hands it, and the requests it answers.
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
// Input images: how an adapter declares its limits and uploads a file the provider's way.
export type {
  ProviderImageSupport,
  PrepareImageRequest,
  PreparedImage,
  ImageField,
  ImageLimits,
  UploadProgress,
} from './core/imageInput';
export type { ImageHeader } from './core/imageHeader';
export { uploadTo } from './core/uploadTo';
export type { UploadImage, UploadImageOptions, UploadToOptions } from './core/uploadTo';
export type { HttpMethod, HttpRequest, HttpResponse } from './core/transport';

// Snapshots and errors, as an adapter builds them.
export { createSnapshot } from './core/jobSnapshot';
export type { JobSnapshotInit, JobRef, JobUrls, JobSnapshot, JobThumbnail, VideoResult } from './core/jobSnapshot';
export type { JobStatus } from './core/jobStatus';
export { VideoJobError } from './core/videoJobError';
export type { VideoJobErrorInit, VideoJobErrorKind } from './core/videoJobError';

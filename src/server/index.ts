// react-video-jobs/server: the app backend's half. Fetch-API handlers (Request -> Response) for Next.js route
// handlers, Hono, Remix, Bun and Deno, and `toNodeHandler` for Node's http / Express. No React, no browser APIs, no
// `node:` imports. Explicit named exports only.

// Proxy
export { createProxyHandler, TARGET_URL_HEADER, FAL_TARGET_URL_HEADER } from './createProxyHandler';
export type { ProxyHandlerOptions, FetchHandler } from './createProxyHandler';
export type { ProxySimulatorOption } from './proxyTarget';
export { DEFAULT_PROXY_PROVIDERS } from './proxyProviders';
export type { ProxyProviderConfig, ProxyRoute } from './proxyProviders';
export { createMemoryOwnerStore } from './ownerStore';
export type { OwnerStore, MemoryOwnerStoreOptions } from './ownerStore';
export { createRedisOwnerStore } from './redisOwnerStore';
export type { RedisOwnerStoreOptions, RedisOwnerClientLike } from './redisOwnerStore';
export type { Authorize, AuthorizeResult } from './authorize';

// Webhooks
export { createWebhookHandler } from './createWebhookHandler';
export type { WebhookHandlerOptions, JobUpdateContext } from './createWebhookHandler';
export { WEBHOOK_FORMATS } from './webhookFormats';
export type { WebhookFormat, WebhookRead, WebhookAnswer, WebhookVerification } from './webhookFormats';
export { verifyStandardWebhook, decodeStandardSecret } from './standardWebhookSignature';
export type { SignatureCheck } from './standardWebhookSignature';
export { verifyFalWebhook, createFalKeySet, FAL_JWKS_URL } from './falWebhookSignature';
export type { FalJwksOptions, FalKeySet } from './falWebhookSignature';
export { verifySharedSecret } from './sharedSecretSignature';
export { createMemoryDedupe } from './deliveryDedupe';
export type { DeliveryDedupe, MemoryDedupeOptions } from './deliveryDedupe';
export { createRedisDedupe } from './redisDedupe';
export type { RedisDedupeOptions, RedisDedupeClientLike } from './redisDedupe';

// Push
export { createJobEventsHandler } from './createJobEventsHandler';
export type { JobEventsHandlerOptions } from './createJobEventsHandler';
export type { JobWatchOptions } from './jobWatcher';
export { createMemoryJobEventBus } from './jobEventBus';
export type { JobEvent, JobEventBus, MemoryJobEventBusOptions } from './jobEventBus';
export { createRedisJobEventBus } from './redisJobEventBus';
export type { RedisJobEventBusOptions, RedisPublisherLike, RedisSubscriberLike } from './redisJobEventBus';

// Uploads (input images for providers that only download URLs)
export { createUploadHandler } from './createUploadHandler';
export type { UploadHandlerOptions, UploadStore, UploadedImage } from './createUploadHandler';

// Node / Express
export { toNodeHandler } from './node';
export type { NodeHandler, NodeHandlerOptions, NodeRequestLike, NodeResponseLike } from './node';

import * as z from 'zod/mini';

// fal's wire format as zod/mini schemas (https://docs.fal.ai/model-endpoints/queue, checked against @fal-ai/client's
// types): the answers the adapter reads and the input fields every video model shares. fal.ts imports this module with
// its first request, so an app ships zod and these schemas only when it talks to fal, not in its first load.

export { falStatusSchema } from './falStatus';

export const inputSchema = z.looseObject({
  prompt: z.optional(z.string()),
  negative_prompt: z.optional(z.string()),
  duration: z.optional(z.union([z.string(), z.number()])),
  aspect_ratio: z.optional(z.string()),
});

export const submitSchema = z.looseObject({
  request_id: z.string(),
  status_url: z.optional(z.string()),
  response_url: z.optional(z.string()),
  cancel_url: z.optional(z.string()),
  queue_position: z.optional(z.nullable(z.number())),
});

/** What the submit answer may hold, as the adapter reads it (checked against @fal-ai/client's types). */
export type FalSubmitAnswer = z.input<typeof submitSchema>;

export const resultSchema = z.looseObject({
  video: z.looseObject({
    url: z.string(),
    content_type: z.optional(z.nullable(z.string())),
    file_name: z.optional(z.nullable(z.string())),
    file_size: z.optional(z.nullable(z.number())),
    width: z.optional(z.nullable(z.number())),
    height: z.optional(z.nullable(z.number())),
    duration: z.optional(z.nullable(z.number())),
  }),
});

export const errorBodySchema = z.looseObject({
  detail: z.optional(z.unknown()),
  error: z.optional(z.unknown()),
  error_type: z.optional(z.nullable(z.string())),
});

/** fal's error bodies, as the adapter reads them. */
export type FalErrorBody = z.output<typeof errorBodySchema>;

export const cancelSchema = z.looseObject({ status: z.optional(z.string()) });

/** A video model's output as the adapter reads it (`video` or `videos[0]`). */
export type FalVideoResult = z.input<typeof resultSchema>;

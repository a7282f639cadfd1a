import * as z from 'zod/mini';

/** One line of a fal runner's log, as `?logs=1` returns it. */
const logSchema = z.looseObject({
  message: z.string(),
  level: z.optional(z.nullable(z.string())),
  source: z.optional(z.nullable(z.string())),
  timestamp: z.optional(z.nullable(z.string())),
});

/** The body of fal's `GET .../requests/<id>/status` and of each `/status/stream` event. */
export const falStatusSchema = z.looseObject({
  status: z.string(),
  request_id: z.optional(z.string()),
  queue_position: z.optional(z.nullable(z.number())),
  logs: z.optional(z.nullable(z.array(logSchema))),
  metrics: z.optional(z.nullable(z.looseObject({ inference_time: z.optional(z.nullable(z.number())) }))),
  error: z.optional(z.nullable(z.string())),
  error_type: z.optional(z.nullable(z.string())),
});

export type FalStatus = z.infer<typeof falStatusSchema>;

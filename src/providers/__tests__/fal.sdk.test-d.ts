// The official client's queue types (@fal-ai/client, src/types/common.d.ts) must be accepted by the adapter's
// schemas: whatever fal's own SDK says the queue answers, the adapter can read.
import type {
  CompletedQueueStatus,
  InProgressQueueStatus,
  InQueueQueueStatus,
  QueueStatus,
  RequestLog,
  WebHookResponse,
} from '@fal-ai/client';
import type * as z from 'zod/mini';
import type { FalSubmitAnswer, FalVideoResult } from '../fal';
import type { falStatusSchema } from '../falStatus';

/**
 * The named fields of a loose schema's input: the SDK declares interfaces, which TypeScript never lets satisfy an
 * index signature; the schemas accept any further field at run time anyway.
 */
type Known<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

type FalStatusInput = Known<z.input<typeof falStatusSchema>>;

describe('@fal-ai/client queue types against the fal adapter', () => {
  it('accepts every QueueStatus as a status answer', () => {
    expectTypeOf<QueueStatus>().toExtend<FalStatusInput>();
    expectTypeOf<InQueueQueueStatus>().toExtend<FalStatusInput>();
    expectTypeOf<InProgressQueueStatus>().toExtend<FalStatusInput>();
    expectTypeOf<CompletedQueueStatus>().toExtend<FalStatusInput>();
    expectTypeOf<RequestLog>().toExtend<NonNullable<FalStatusInput['logs']>[number]>();
  });

  it("accepts the client's submit answer (InQueueQueueStatus)", () => {
    expectTypeOf<InQueueQueueStatus>().toExtend<Known<FalSubmitAnswer>>();
  });

  it('reads an OK webhook payload typed with a video output as a result', () => {
    type VideoWebhook = Extract<WebHookResponse<{ video: { url: string; content_type: string } }>, { status: 'OK' }>;
    expectTypeOf<VideoWebhook['payload']>().toExtend<Known<FalVideoResult>>();
  });

  it('does not accept a status answer without its status', () => {
    expectTypeOf<Omit<InQueueQueueStatus, 'status'>>().not.toExtend<FalStatusInput>();
  });
});

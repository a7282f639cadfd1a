// The official `replicate` package's Prediction type (what its predictions.create / get / cancel resolve to, and
// what a webhook delivers) is accepted by the adapter's prediction schema, field by field.
import type { Prediction } from 'replicate';
import type { ReplicatePredictionInput, ReplicateWebhookEvent } from '../replicate';

/** The schema's named fields, without the index signature of a loose object (which an interface never has). */
type Known<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

describe('replicate SDK types', () => {
  it("accepts the SDK's Prediction in every field the adapter reads", () => {
    expectTypeOf<Prediction>().toExtend<Known<ReplicatePredictionInput>>();
  });

  it("accepts every status and URL set the SDK's Prediction can have", () => {
    expectTypeOf<Prediction['status']>().toExtend<ReplicatePredictionInput['status']>();
    expectTypeOf<Prediction['urls']>().toExtend<Known<NonNullable<ReplicatePredictionInput['urls']>>>();
    expectTypeOf<Prediction['metrics']>().toExtend<ReplicatePredictionInput['metrics']>();
  });

  it('offers exactly the webhook events the SDK knows', () => {
    expectTypeOf<ReplicateWebhookEvent>().toEqualTypeOf<NonNullable<Prediction['webhook_events_filter']>[number]>();
  });
});

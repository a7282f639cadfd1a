// The official `openai` SDK's own types (devDependency) against what the adapter reads and sends: a `Video` as the
// SDK types it must be accepted by the adapter's response schema, and the SDK's JSON create params by its input.
import type { ImageInputReferenceParam, Video, VideoCreateParams } from 'openai/resources/videos';
import type { OpenAIVideoRecord, OpenAIVideosInput } from '../openaiVideos';

/** `T`'s declared fields, without the index signature `z.looseObject` adds (an SDK interface has none). */
type Declared<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

describe('openai SDK types', () => {
  it('accepts every Video the SDK describes (create, retrieve)', () => {
    // `error` is checked on its own below: it is a nested loose object (index signature) in the schema's input.
    expectTypeOf<
      Omit<Video, 'error'> extends Declared<Omit<OpenAIVideoRecord, 'error'>> ? true : false
    >().toEqualTypeOf<true>();
    expectTypeOf<Video['status']>().toExtend<OpenAIVideoRecord['status']>();
    expectTypeOf<Video['seconds']>().toExtend<OpenAIVideoRecord['seconds']>();
    expectTypeOf<
      Video['error'] extends Declared<Exclude<OpenAIVideoRecord['error'], string>> | null ? true : false
    >().toEqualTypeOf<true>();
  });

  it('does not accept what is not a video object (the check has teeth)', () => {
    expectTypeOf<
      { id: number; status: string } extends Declared<OpenAIVideoRecord> ? true : false
    >().toEqualTypeOf<false>();
  });

  it('takes the SDK’s JSON create params as input (model goes separately, uploads are not JSON)', () => {
    type JsonCreate = Omit<VideoCreateParams, 'model' | 'input_reference'> & {
      input_reference?: ImageInputReferenceParam;
    };
    expectTypeOf<JsonCreate>().toExtend<OpenAIVideosInput>();
  });
});

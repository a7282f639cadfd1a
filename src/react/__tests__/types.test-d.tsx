import type { QueryKey, UseQueryOptions } from '@tanstack/react-query';
import type { JobRef, JobSnapshot, VideoResult } from '../../core/jobSnapshot';
import type { VideoClient } from '../../core/videoClient';
import type { VideoJobError } from '../../core/videoJobError';
import { createJSONStorage } from '../createJSONStorage';
import { jobQueryOptions } from '../jobQueryOptions';
import type {
  GenerateOptions,
  JobStorage,
  TrackedJob,
  UseJobStatusResult,
  UseVideoGenerationResult,
  UseVideoJobsResult,
  VideoGenerationStatus,
  VideoJobState,
} from '../types';
import { useCancelJob } from '../useCancelJob';
import { useJobStatus } from '../useJobStatus';
import { useVideoGeneration } from '../useVideoGeneration';
import { useVideoJobs } from '../useVideoJobs';
import {
  useOptionalVideoClient,
  useVideoClient,
  VideoJobsProvider,
  type VideoJobsProviderProps,
} from '../VideoJobsProvider';
import { videoJobKeys } from '../videoJobKeys';

declare const client: VideoClient;
declare const ref: JobRef;

describe('public types', () => {
  it('status is the job status plus idle, uploading and submitting', () => {
    expectTypeOf<VideoGenerationStatus>().toEqualTypeOf<
      'idle' | 'uploading' | 'submitting' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'
    >();
  });

  it('useVideoGeneration returns a flat result with typed input', () => {
    const result = useVideoGeneration<{ prompt: string; duration?: number }>({ provider: 'fal', model: 'fal-ai/veo3' });
    expectTypeOf(result).toEqualTypeOf<UseVideoGenerationResult<{ prompt: string; duration?: number }>>();
    expectTypeOf(result).toExtend<VideoJobState>();
    expectTypeOf(result.generate).parameters.toEqualTypeOf<
      [input: { prompt: string; duration?: number }, options?: GenerateOptions]
    >();
    expectTypeOf(result.generate).returns.toBeVoid();
    expectTypeOf(result.generateAsync).returns.toEqualTypeOf<Promise<JobSnapshot>>();
    expectTypeOf(result.cancel).returns.toEqualTypeOf<Promise<JobSnapshot | undefined>>();
    expectTypeOf(result.resume).parameters.toEqualTypeOf<[ref: JobRef]>();
    expectTypeOf(result.status).toEqualTypeOf<VideoGenerationStatus>();
    expectTypeOf(result.error).toEqualTypeOf<VideoJobError | undefined>();
    expectTypeOf(result.job).toEqualTypeOf<JobSnapshot | undefined>();
    expectTypeOf(result.ref).toEqualTypeOf<JobRef | undefined>();
    expectTypeOf(result.videoUrl).toEqualTypeOf<string | undefined>();
    expectTypeOf(result.video).toEqualTypeOf<VideoResult | undefined>();
    expectTypeOf(result.progress).toEqualTypeOf<number | undefined>();
    expectTypeOf(result.queuePosition).toEqualTypeOf<number | undefined>();
    expectTypeOf(result.elapsedMs).toBeNumber();
    expectTypeOf(result.isActive).toBeBoolean();
    // @ts-expect-error the input must be an object of model parameters
    result.generate('a fox');
    // @ts-expect-error provider and model are required
    useVideoGeneration({ provider: 'fal' });
    useVideoGeneration({
      provider: 'fal',
      model: 'm',
      persist: { key: 'k', keepFinishedMs: 1000 },
      onFailed: (job, error) => {
        expectTypeOf(job).toEqualTypeOf<JobSnapshot>();
        expectTypeOf(error).toEqualTypeOf<VideoJobError>();
      },
    });
  });

  it('useJobStatus takes a ref, null or undefined and adds cancel and refetch', () => {
    expectTypeOf(useJobStatus).parameter(0).toEqualTypeOf<JobRef | null | undefined>();
    const result = useJobStatus(ref, { enabled: false, timeoutMs: 1000, onUpdate: () => undefined });
    expectTypeOf(result).toEqualTypeOf<UseJobStatusResult>();
    expectTypeOf(result.refetch).returns.toEqualTypeOf<Promise<JobSnapshot | undefined>>();
    // @ts-expect-error a job id alone is not enough: the ref carries provider and model
    useJobStatus('abc');
  });

  it('useVideoJobs lists tracked jobs; useCancelJob is a mutation on a ref', () => {
    expectTypeOf(useVideoJobs()).toEqualTypeOf<UseVideoJobsResult>();
    expectTypeOf(useVideoJobs().jobs).toEqualTypeOf<readonly TrackedJob[]>();
    const cancel = useCancelJob();
    expectTypeOf(cancel.mutate).parameter(0).toEqualTypeOf<JobRef>();
    expectTypeOf(cancel.data).toEqualTypeOf<JobSnapshot | undefined>();
    expectTypeOf(cancel.error).toEqualTypeOf<VideoJobError | null>();
  });

  it('jobQueryOptions fits useQuery and carries typed data, error and key', () => {
    const options = jobQueryOptions(client, ref, { polling: { maxDelayMs: 5000 } });
    expectTypeOf(options.queryKey).toExtend<readonly ['react-video-jobs', 'job', string, string]>();
    expectTypeOf(options).toExtend<
      UseQueryOptions<JobSnapshot, VideoJobError, JobSnapshot, readonly ['react-video-jobs', 'job', string, string]>
    >();
    expectTypeOf(videoJobKeys.all).toExtend<QueryKey>();
    expectTypeOf(videoJobKeys.job(ref)).toEqualTypeOf<readonly ['react-video-jobs', 'job', string, string]>();
  });

  it('provider, client and storage', () => {
    expectTypeOf<VideoJobsProviderProps['client']>().toEqualTypeOf<VideoClient>();
    expectTypeOf<VideoJobsProviderProps['storage']>().toEqualTypeOf<JobStorage | null | undefined>();
    expectTypeOf(VideoJobsProvider).parameter(0).toEqualTypeOf<VideoJobsProviderProps>();
    expectTypeOf(useVideoClient()).toEqualTypeOf<VideoClient>();
    expectTypeOf(useOptionalVideoClient()).toEqualTypeOf<VideoClient | undefined>();
    expectTypeOf(createJSONStorage(() => localStorage)).toEqualTypeOf<JobStorage | undefined>();
  });
});

export { elapsedOf, toVideoJobState, withTrackedElapsed, type VideoJobStateInput } from '../core/jobState';

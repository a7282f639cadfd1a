// The image code of a submit (checks read from the bytes, uploads, progress), loaded by createVideoClient with the
// first input that carries an image: an app that never passes one never loads it, and bundlers split it out.
export { checkImages } from './imageInput';
export { prepareImages } from './prepareImages';

import { VideoJobError } from '../videoJobError';

describe('VideoJobError.docsUrl', () => {
  it('keeps an https: page through withJob and JSON, and drops anything else', () => {
    const error = new VideoJobError({
      kind: 'invalid_input',
      field: 'image',
      message: 'image is 200x200; kling needs a width of at least 300 px',
      docsUrl: 'https://kling.ai/document-api/apiReference/model/imageToVideo',
    });
    expect(error.withJob('kling').docsUrl).toBe(error.docsUrl);
    const back = VideoJobError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(back.docsUrl).toBe('https://kling.ai/document-api/apiReference/model/imageToVideo');
    for (const docsUrl of ['javascript:alert(1)', 'http://kling.ai/x', 'https://a b', '']) {
      expect(new VideoJobError({ kind: 'invalid_input', message: 'm', docsUrl }).docsUrl).toBeUndefined();
    }
  });
});

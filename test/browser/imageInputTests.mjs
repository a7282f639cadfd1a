// A start image in the playground, in a real browser: a real file input (and the sample button, from the keyboard),
// the upload's progress in the card, then the job through to a video that plays; Cancel during the upload; a file the
// client refuses. The playground's simulated link sends at a chosen speed, so the upload can be watched.
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { configure, expectVideoPlaying, freshPlayground, waitForStatus } from './playgroundTests.mjs';
import { axeViolations, screenshotStory } from './storyPage.mjs';

/** Providers that PUT the file to a pre-signed URL (fal's CDN, VideoGen's files), and one that sends it as base64. */
const PRESIGNED = 'fal';
const SECOND = 'videogen';
const BASE64 = 'kling';

async function samplePng(width, height) {
  const { sampleImageBytes } = await tsImport('../../src/testing/sampleImage.ts', import.meta.url);
  return Buffer.from(sampleImageBytes({ width, height }));
}

/** The upload bar's value, or `undefined` once it is gone. */
async function uploadPercent(page) {
  const value = await page
    .getAttribute('[data-video-job-progress][data-status="uploading"] [role="progressbar"]', 'aria-valuenow', {
      timeout: 500,
    })
    .catch(() => null);
  return value === null ? undefined : Number(value);
}

async function expectNoAxeViolations(page, axeSource, what) {
  const violations = await axeViolations(page, axeSource);
  if (violations.length) throw new Error(`axe violations ${what}:\n${violations.join('\n')}`);
}

async function storedImages(page) {
  return Number(await page.textContent('[data-testid="uploads"]'));
}

export function imageInputTests({ base, screenshots, axeSource }) {
  return [
    {
      name: `Start image (${PRESIGNED}): a PNG through the file input → preview → "Uploading" with a growing bar → reload mid-job → a video that plays`,
      timeoutMs: 60_000,
      async run(page) {
        await freshPlayground(page, base, { provider: PRESIGNED, queue: 0.5, position: 0, run: 4, upload: 200 });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.getByLabel('Image file').setInputFiles({
          name: 'lighthouse.png',
          mimeType: 'image/png',
          buffer: await samplePng(640, 360),
        });
        const preview = page.getByRole('img', { name: 'Start image: lighthouse.png' });
        await preview.waitFor();
        await page.waitForFunction(() => document.querySelector('.pg-preview img')?.naturalWidth === 640);
        await page.getByText('640×360').waitFor();
        await expectNoAxeViolations(page, axeSource, 'with the preview');
        await screenshotStory(page, join(screenshots, 'playground--image-picked.png'));

        await page.getByRole('button', { name: 'Generate' }).click();
        await waitForStatus(page, 'uploading', 5_000);
        await page.getByRole('progressbar', { name: 'Upload progress' }).waitFor();
        const first = await uploadPercent(page);
        await page.waitForTimeout(900);
        const later = await uploadPercent(page);
        if (!(first !== undefined && later !== undefined && later > first && later < 100))
          throw new Error(`the upload bar did not move on: ${first} % then ${later} %`);
        const text = await page.textContent('[data-part="status"]');
        if (!/^Uploading – \d+ %$/.test(text ?? '')) throw new Error(`status reads ${JSON.stringify(text)}`);
        const said = await page.textContent('[data-video-job-progress] [role="status"]');
        if (said !== 'Uploading the image') throw new Error(`the live region says ${JSON.stringify(said)}`);
        if ((await page.getAttribute('[data-video-player]', 'data-status')) !== 'waiting')
          throw new Error('the player frame does not wait during the upload');
        await expectNoAxeViolations(page, axeSource, 'while uploading');
        await screenshotStory(page, join(screenshots, 'playground--uploading.png'));

        // A reload mid-job resumes it: the page simulator replays the upload (a stand-in image of the same size) and
        // the submit that named it, so the job comes back with its id.
        await waitForStatus(page, 'running', 10_000);
        const id = await page.textContent('[data-testid="job-id"]');
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('[data-video-job-progress]:not([data-status="idle"])', { timeout: 10_000 });
        if ((await page.textContent('[data-testid="job-id"]')) !== id) throw new Error('a different job after reload');
        if ((await page.textContent('[data-testid="replayed"]')) !== '1') throw new Error('the job was not replayed');
        await waitForStatus(page, 'completed', 20_000);
        await expectVideoPlaying(page);
        if ((await storedImages(page)) !== 1) throw new Error(`${await storedImages(page)} images stored, not 1`);
      },
    },
    {
      name: `Start image (${SECOND}) at 390 px, keyboard only: the sample image → Generate → Cancel stops the upload → Generate again → a video`,
      timeoutMs: 60_000,
      async run(page) {
        await freshPlayground(page, base, { provider: SECOND, queue: 0.5, position: 0, run: 2, upload: 150 });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.getByRole('button', { name: 'Use a sample image' }).focus();
        await page.keyboard.press('Enter');
        await page.getByRole('img', { name: 'Start image: sample.png' }).waitFor();
        // Tab reaches Remove, the last control of the picker.
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.textContent);
        if (focused !== 'Remove') throw new Error(`Tab after the sample button reaches ${JSON.stringify(focused)}`);
        await page.waitForTimeout(200);
        await page.locator('.pg-form').screenshot({ path: join(screenshots, 'playground--image-picked--390.png') });

        const generate = async () => {
          await page.getByRole('button', { name: 'Generate' }).focus();
          await page.keyboard.press('Enter');
          await waitForStatus(page, 'uploading', 5_000);
        };
        await generate();
        await page.waitForTimeout(800);
        const where = await page.evaluate(() => {
          const active = document.activeElement;
          const rect = active.getBoundingClientRect();
          return { part: active.getAttribute('data-part'), top: rect.top, height: window.innerHeight };
        });
        if (where.part !== 'panel') throw new Error(`focus after Generate is on ${where.part ?? 'body'}`);
        if (where.top < 0 || where.top > where.height / 2) throw new Error(`the card is not in view: ${where.top}`);
        await page.screenshot({ path: join(screenshots, 'playground--uploading--390.png') });
        await expectNoAxeViolations(page, axeSource, 'while uploading at 390 px');

        await page.keyboard.press('Tab');
        const part = await page.evaluate(() => document.activeElement?.getAttribute('data-part'));
        if (part !== 'cancel') throw new Error(`Tab from the card reaches ${part}, not Cancel`);
        await page.keyboard.press('Enter');
        await waitForStatus(page, 'idle', 5_000);
        await page.waitForFunction(
          () => document.querySelector('[data-video-job-progress] [role="status"]')?.textContent === 'Upload cancelled',
          undefined,
          { timeout: 3_000 },
        );
        const after = await page.evaluate(() => document.activeElement?.getAttribute('data-part'));
        if (after !== 'panel') throw new Error(`after Cancel focus is on ${after}`);
        if ((await page.textContent('[data-testid="job-id"]')) !== '–') throw new Error('a job was created');
        if ((await storedImages(page)) !== 0) throw new Error('the cancelled upload was stored');

        await configure(page, { upload: 2000 });
        await generate().catch(() => undefined); // a fast upload may be over before it is seen
        await waitForStatus(page, 'completed', 20_000);
        await expectVideoPlaying(page);
        if ((await storedImages(page)) !== 1) throw new Error(`${await storedImages(page)} images stored, not 1`);
      },
    },
    {
      name: `Start image (${BASE64}): base64 in the submit, its bytes reported going out, then a video that plays`,
      async run(page) {
        await freshPlayground(page, base, { provider: BASE64, queue: 0.3, position: 0, run: 1, upload: 600 });
        await page.getByRole('button', { name: 'Use a sample image' }).click();
        await page.getByRole('img', { name: 'Start image: sample.png' }).waitFor();
        await page.getByRole('button', { name: 'Generate' }).click();
        await waitForStatus(page, 'uploading', 5_000);
        await page.waitForFunction(
          () => Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')) > 0,
          undefined,
          { timeout: 5_000 },
        );
        await waitForStatus(page, 'completed', 20_000);
        await expectVideoPlaying(page);
        if ((await storedImages(page)) !== 1) throw new Error(`${await storedImages(page)} images stored, not 1`);
      },
    },
    {
      name: 'Start image: a file that is not an image is refused before any upload, with the reason under the picker',
      async run(page) {
        await freshPlayground(page, base, { provider: PRESIGNED, queue: 0.5, position: 0, run: 1 });
        await page.getByLabel('Image file').setInputFiles({
          name: 'notes.png',
          mimeType: 'image/png',
          buffer: Buffer.from('not an image, whatever the name says'),
        });
        await page.getByRole('button', { name: 'Generate' }).click();
        const alert = page.getByRole('alert');
        await alert.waitFor({ timeout: 5_000 });
        const message = await alert.textContent();
        if (!/not an image fal can read/.test(message ?? '')) throw new Error(`the picker says ${message}`);
        const input = page.getByLabel('Image file');
        if ((await input.getAttribute('aria-invalid')) !== 'true') throw new Error('the input is not marked invalid');
        if ((await storedImages(page)) !== 0) throw new Error('something was uploaded');
        await expectNoAxeViolations(page, axeSource, 'with the refusal');
        await page.locator('.pg-image').screenshot({ path: join(screenshots, 'playground--image-refused.png') });
        await page.getByRole('button', { name: /^Remove/ }).click();
        if (await page.getByRole('alert').count()) throw new Error('the refusal outlived the file');
      },
    },
  ];
}

// Component stories in the browser: each renders, passes axe, and is screenshotted; plus what only a real
// browser can show (keyboard operation, real media decoding, muted autoplay, expired-URL refresh).
import { join } from 'node:path';
import { axeViolations, openStory, screenshotStory } from './storyPage.mjs';

const STILL_LOADING = new Set(['components-videoplayer--loading']);

/** Waits until a story has reached the state it shows (players loaded or failed, play functions done). */
async function settle(page, id) {
  if (id.startsWith('components-videoplayer--') && !STILL_LOADING.has(id)) {
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-video-player]')].every((player) => {
          const video = player.querySelector('video');
          const status = player.getAttribute('data-status');
          return status === 'error' || status === 'empty' || (status === 'ready' && video && video.readyState >= 2);
        }),
      undefined,
      { timeout: 15_000 },
    );
  }
  if (id.endsWith('--logs-open')) await page.waitForSelector('details[open]');
  // Let transitions (bar width, focus rings) finish before a screenshot.
  await page.waitForTimeout(350);
}

export function componentTests({ base, stories, screenshots, axeSource }) {
  const ids = Object.values(stories)
    .filter((entry) => entry.type === 'story' && entry.id.startsWith('components-'))
    .map((entry) => entry.id);

  const storyTests = ids.map((id) => ({
    name: `${id}: renders, axe finds no violations, screenshot saved`,
    async run(page) {
      await openStory(page, base, id);
      await settle(page, id);
      const violations = await axeViolations(page, axeSource);
      if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
      await screenshotStory(page, join(screenshots, `${id}.png`));
    },
  }));

  return [
    ...storyTests,
    {
      name: 'keyboard only: Tab reaches Cancel, Enter cancels the job, focus stays in the component',
      async run(page) {
        await openStory(page, base, 'components-videojobprogress--interactive');
        let focused = '';
        for (let presses = 0; presses < 6 && focused !== 'cancel'; presses++) {
          await page.keyboard.press('Tab');
          focused = await page.evaluate(() => document.activeElement?.getAttribute('data-part') ?? '');
        }
        if (focused !== 'cancel') throw new Error('Tab never reached the Cancel button');
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-part="cancel"][aria-busy="true"]', { timeout: 5_000 });
        await page.waitForSelector('[data-video-job-progress][data-status="cancelled"]', { timeout: 5_000 });
        const status = await page.textContent('[data-part="status"]');
        if (status !== 'Cancelled') throw new Error(`status reads ${JSON.stringify(status)}`);
        const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('[data-video-job-progress]')));
        if (!inside) throw new Error('focus fell back to the page when Cancel went away');
        await page.waitForFunction(
          () => document.querySelector('[role="status"]')?.textContent === 'Video generation cancelled',
        );
      },
    },
    {
      name: 'VideoPlayer: the sample MP4 really decodes (readyState >= 2, 320x180)',
      async run(page) {
        await openStory(page, base, 'components-videoplayer--ready');
        await page.waitForFunction(() => document.querySelector('video')?.readyState >= 2, undefined, {
          timeout: 10_000,
        });
        const size = await page.evaluate(() => {
          const video = document.querySelector('video');
          return `${video.videoWidth}x${video.videoHeight}`;
        });
        if (size !== '320x180') throw new Error(`video size ${size}`);
      },
    },
    {
      name: 'VideoPlayer: autoPlay starts muted under the default autoplay policy and keeps playing',
      async run(page) {
        await openStory(page, base, 'components-videoplayer--auto-play-muted-loop');
        await page.waitForFunction(() => document.querySelector('video')?.currentTime > 0.2, undefined, {
          timeout: 10_000,
        });
        const { muted, blocked } = await page.evaluate(() => ({
          muted: document.querySelector('video').muted,
          blocked: document.querySelector('[data-video-player]').getAttribute('data-autoplay') === 'blocked',
        }));
        if (!muted || blocked) throw new Error(`muted=${muted}, autoplay blocked=${blocked}`);
      },
    },
    {
      name: 'VideoPlayer: an expired signed URL is refreshed once and the fresh URL plays',
      async run(page) {
        await openStory(page, base, 'components-videoplayer--expired-url-refreshed');
        await page.waitForSelector('[data-video-player][data-status="refreshing"]', { timeout: 5_000 });
        await page.waitForSelector('[data-video-player][data-status="ready"]', { timeout: 10_000 });
        const src = await page.getAttribute('video', 'src');
        if (!src?.startsWith('blob:')) throw new Error(`playing ${src}`);
      },
    },
    {
      name: 'VideoPlayer: a javascript: URL never reaches the DOM',
      async run(page) {
        await openStory(page, base, 'components-videoplayer--unsafe-url');
        await page.waitForSelector('[data-video-player] [role="alert"]');
        const html = await page.evaluate(() => document.querySelector('#storybook-root').innerHTML);
        if (/javascript:/i.test(html)) throw new Error('the javascript: URL is in the DOM');
        if ((await page.$('#storybook-root video')) || (await page.$('#storybook-root a[href]')))
          throw new Error('a video or link was rendered');
      },
    },
  ];
}

// Component stories in the browser: each renders, passes axe, and is screenshotted; plus what only a real
// browser can show (keyboard operation, real media decoding, muted autoplay, expired-URL refresh).
import { join } from 'node:path';
import { axeViolations, openStory, screenshotStory } from './storyPage.mjs';

const STILL_LOADING = new Set(['components-videoplayer--loading']);

/** Waits until a story has reached the state it shows (players loaded or failed, play functions done). */
async function settle(page, id) {
  const hasPlayers = id.startsWith('components-videoplayer--') || id.startsWith('components-videojobgallery--');
  if (hasPlayers && !STILL_LOADING.has(id)) {
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-video-player]')].every((player) => {
          const video = player.querySelector('video');
          const status = player.getAttribute('data-status');
          return (
            status === 'error' ||
            status === 'empty' ||
            status === 'waiting' ||
            (status === 'ready' && video && video.readyState >= 2)
          );
        }),
      undefined,
      { timeout: 15_000 },
    );
  }
  if (id.endsWith('--logs-open') || id.endsWith('--failed-request-fault')) await page.waitForSelector('details[open]');
  // Let transitions (bar width, focus rings) finish before a screenshot.
  await page.waitForTimeout(350);
}

/** Switches the story between the light and dark theme in place, as the toolbar's decorator does. */
async function setTheme(page, theme) {
  await page.evaluate((value) => {
    document.documentElement.dataset.theme = value;
    document.querySelector('.sb-frame')?.setAttribute('data-theme', value);
  }, theme);
  // Buttons ease their colours for 0.15 s; axe must see the settled ones.
  await page.waitForTimeout(200);
}

export function componentTests({ base, stories, screenshots, axeSource }) {
  const ids = Object.values(stories)
    .filter((entry) => entry.type === 'story' && entry.id.startsWith('components-'))
    .map((entry) => entry.id);

  // Every story at a phone and a desktop width, light and dark, and with Windows' forced colours: axe must find
  // nothing in any of them. Screenshots at both widths (in the story's own theme), and forced colours at the phone width.
  const storyTests = ids.map((id) => ({
    name: `${id}: renders; axe finds no violations at 390 and 1280 px, light, dark and forced colours; screenshots saved`,
    async run(page) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await openStory(page, base, id);
      await settle(page, id);
      // Screenshots show each story in its own theme (the Dark stories dark), axe checks both.
      const ownTheme = await page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
      const problems = [];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const theme of ['light', 'dark']) {
          await setTheme(page, theme);
          const violations = await axeViolations(page, axeSource);
          if (violations.length) problems.push(`${width} px, ${theme}:\n${violations.join('\n')}`);
          if (theme === ownTheme) {
            await page.waitForTimeout(120);
            await screenshotStory(page, join(screenshots, width === 1280 ? `${id}.png` : `${id}--390.png`));
          }
        }
        await page.emulateMedia({ forcedColors: 'active' });
        const forced = await axeViolations(page, axeSource, { disable: ['color-contrast'] });
        if (forced.length) problems.push(`${width} px, forced colours:\n${forced.join('\n')}`);
        if (width === 390) await screenshotStory(page, join(screenshots, `${id}--forced-colors.png`));
        await page.emulateMedia({ forcedColors: 'none' });
      }
      if (problems.length) throw new Error(`axe violations:\n${problems.join('\n')}`);
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
      name: 'logs at 390 px: full width under the status, the newest line in view, the list keyboard-scrollable',
      async run(page) {
        await page.setViewportSize({ width: 390, height: 844 });
        await openStory(page, base, 'components-videojobprogress--logs-open');
        await page.waitForSelector('details[open]');
        const layout = await page.evaluate(() => {
          const panel = document.querySelector('[data-part="panel"]').getBoundingClientRect();
          const list = document.querySelector('[data-part="log-lines"]');
          const box = list.getBoundingClientRect();
          const last = list.lastElementChild.getBoundingClientRect();
          const cancel = document.querySelector('[data-part="cancel"]').getBoundingClientRect();
          return {
            ratio: box.width / panel.width,
            newestVisible: last.bottom <= box.bottom + 1 && last.top >= box.top - 1,
            cancelBelow: cancel.top >= box.bottom,
            tabindex: list.getAttribute('tabindex'),
            label: list.getAttribute('aria-label'),
          };
        });
        if (layout.ratio < 0.95)
          throw new Error(`the log list takes ${(layout.ratio * 100).toFixed(0)} % of the width`);
        if (!layout.newestVisible) throw new Error('the newest log line is scrolled out of view');
        if (!layout.cancelBelow) throw new Error('Cancel is not below the logs');
        if (layout.tabindex !== '0' || !layout.label)
          throw new Error(`list tabindex ${layout.tabindex}, label ${layout.label}`);
        await page.focus('[data-part="logs-summary"]');
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-part'));
        if (focused !== 'log-lines') throw new Error(`Tab after the summary went to ${focused}`);
        await screenshotStory(page, join(screenshots, 'components-videojobprogress--logs-open--390-focused.png'));
      },
    },
    {
      name: 'forced colours: the track, the fill and the status dot stay visible in system colours',
      async run(page) {
        await page.emulateMedia({ forcedColors: 'active' });
        await openStory(page, base, 'components-videojobprogress--running-determinate');
        const look = await page.evaluate(() => {
          const style = (selector, pseudo) => getComputedStyle(document.querySelector(selector), pseudo);
          return {
            trackBorder: style('[data-part="progress"]').borderTopWidth,
            fill: style('[data-part="indicator"]').backgroundColor,
            fillWidth: document.querySelector('[data-part="indicator"]').getBoundingClientRect().width,
            dot: style('[data-part="status"]', '::before').backgroundColor,
            canvas: style('body').backgroundColor,
          };
        });
        await page.emulateMedia({ forcedColors: 'none' });
        const transparent = (color) => color === 'rgba(0, 0, 0, 0)' || color === 'transparent';
        if (look.trackBorder === '0px') throw new Error('the track has no border in forced colours');
        if (transparent(look.fill) || look.fill === look.canvas || look.fillWidth < 10)
          throw new Error(`the fill is invisible: ${look.fill} on ${look.canvas}, ${look.fillWidth} px`);
        if (transparent(look.dot) || look.dot === look.canvas)
          throw new Error(`the status dot is invisible: ${look.dot}`);
      },
    },
    {
      name: 'reduced motion: the indeterminate bar is still stripes, not a full bar',
      async run(page) {
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await openStory(page, base, 'components-videojobprogress--running-indeterminate');
        const image = await page.evaluate(
          () => getComputedStyle(document.querySelector('[data-part="indicator"]')).backgroundImage,
        );
        await page.emulateMedia({ reducedMotion: 'no-preference' });
        if (!image.startsWith('repeating-linear-gradient')) throw new Error(`indicator background ${image}`);
      },
    },
    {
      name: 'targets and rings: Logs toggle and download link at least 24 px tall; a focused video shows a 3 px ring',
      async run(page) {
        await openStory(page, base, 'components-videojobprogress--running-determinate');
        const summary = await page.evaluate(
          () => document.querySelector('[data-part="logs-summary"]').getBoundingClientRect().height,
        );
        if (summary < 24) throw new Error(`Logs toggle is ${summary} px tall`);
        await openStory(page, base, 'components-videoplayer--ready');
        await settle(page, 'components-videoplayer--ready');
        const link = await page.evaluate(
          () => document.querySelector('[data-part="download"]').getBoundingClientRect().height,
        );
        if (link < 24) throw new Error(`download link is ${link} px tall`);
        await page.keyboard.press('Tab');
        const ring = await page.evaluate(() => ({
          focused: document.activeElement?.tagName,
          outline: getComputedStyle(document.querySelector('[data-part="frame"]')).outlineWidth,
        }));
        if (ring.focused !== 'VIDEO' || ring.outline !== '3px') throw new Error(`focus ${JSON.stringify(ring)}`);
        await screenshotStory(page, join(screenshots, 'components-videoplayer--ready--focused.png'));
      },
    },
    {
      name: 'VideoJobGallery keyboard only: Tab reaches Run again (a new job joins the list) and Remove (the job goes, focus stays in the list)',
      async run(page) {
        await openStory(page, base, 'components-videojobgallery--history');
        await settle(page, 'components-videojobgallery--history');
        const count = () => page.evaluate(() => document.querySelectorAll('[data-part="item"]').length);
        const focusedPart = () =>
          page.evaluate(() => {
            const active = document.activeElement;
            return {
              part: active?.getAttribute('data-part') ?? active?.tagName ?? 'body',
              item: active?.closest('[data-part="item"]')?.getAttribute('aria-labelledby') ?? null,
            };
          });
        async function tabTo(part) {
          for (let presses = 0; presses < 40; presses++) {
            await page.keyboard.press('Tab');
            const focused = await focusedPart();
            if (focused.part === part) return focused;
          }
          throw new Error(`Tab never reached ${part}`);
        }
        const before = await count();
        await tabTo('run-again');
        await page.keyboard.press('Enter');
        await page.waitForFunction((n) => document.querySelectorAll('[data-part="item"]').length === n + 1, before);
        const first = await page.evaluate(() =>
          document.querySelector('[data-part="item"]').getAttribute('data-status'),
        );
        if (first !== 'queued') throw new Error(`the new job at the top is ${first}`);
        const removing = await tabTo('remove');
        const name = await page.evaluate(
          (ids) =>
            ids
              .split(' ')
              .map((id) => document.getElementById(id)?.textContent)
              .join(' '),
          removing.item,
        );
        await page.keyboard.press('Enter');
        await page.waitForFunction((n) => document.querySelectorAll('[data-part="item"]').length === n, before);
        const after = await focusedPart();
        const inList = await page.evaluate(() => Boolean(document.activeElement?.closest('[data-part="list"]')));
        if (!inList) throw new Error(`focus went to ${after.part} after Remove`);
        const names = await page.evaluate(() =>
          [...document.querySelectorAll('[data-part="item"] [data-part="title"]')].map((title) => title.textContent),
        );
        if (!name || names.includes(name)) throw new Error(`${name} is still listed`);
        await screenshotStory(page, join(screenshots, 'components-videojobgallery--history--after-keyboard.png'));
      },
    },
    {
      name: 'VideoPlayer: Retry from the keyboard keeps focus on the player, not <body>',
      async run(page) {
        await openStory(page, base, 'components-videoplayer--load-error');
        await page.waitForSelector('[data-part="retry"]');
        await page.focus('[data-part="retry"]');
        await page.keyboard.press('Enter');
        const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-part') ?? 'body');
        if (focused !== 'frame') throw new Error(`focus went to ${focused}`);
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

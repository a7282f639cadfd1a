// The Playground story: the real hooks and components against the simulator running in the page.
import { join } from 'node:path';
import { axeViolations, openStory, screenshotStory } from './storyPage.mjs';

const STORY = 'playground--simulator';

/** Opens the playground with empty storage (no persisted job, no simulator history) and the given settings. */
export async function freshPlayground(page, base, settings) {
  // Wide enough for the two-column layout (form beside the result).
  await page.setViewportSize({ width: 1180, height: 900 });
  // Leave any playground first: a playground page still open could write its persisted job back after the clear
  // (the job of the previous test, whose blob: URL died with its page), and the next page would resume it.
  await openStory(page, base, 'components-videoplayer--ready');
  await page.evaluate(() => localStorage.clear());
  await openStory(page, base, STORY);
  await page.waitForSelector('[data-playground] form');
  await configure(page, settings);
}

export async function configure(page, { provider, queue, position, run, progress = true, failure, faults, upload }) {
  if (provider) await page.getByLabel('Provider').selectOption(provider);
  if (upload !== undefined) await page.getByLabel('Upload speed (KB/s)').fill(String(upload));
  if (queue !== undefined) await page.getByLabel('Queue length (s)').fill(String(queue));
  if (position !== undefined) await page.getByLabel('Jobs ahead in the queue').fill(String(position));
  if (run !== undefined) await page.getByLabel('Run time (s)').fill(String(run));
  await page.getByLabel(/Reports progress/).setChecked(progress);
  if (failure !== undefined) await page.getByLabel('Job failure rate').fill(String(failure));
  if (faults !== undefined) await page.getByLabel(/Request faults/).fill(String(faults));
}

async function generate(page) {
  await page.getByRole('button', { name: 'Generate' }).click();
}

async function jobStatus(page) {
  return page.getAttribute('[data-video-job-progress]', 'data-status');
}

export async function waitForStatus(page, status, timeout = 20_000) {
  await page.waitForSelector(`[data-video-job-progress][data-status="${status}"]`, { timeout });
}

/** The finished video has a decoded frame and its clock moves: it really plays. */
export async function expectVideoPlaying(page) {
  await page.waitForFunction(() => document.querySelector('[data-video-player] video')?.readyState >= 2, undefined, {
    timeout: 15_000,
  });
  const first = await page.evaluate(() => document.querySelector('[data-video-player] video').currentTime);
  await page.waitForFunction(
    (start) => {
      const video = document.querySelector('[data-video-player] video');
      return video.currentTime !== start && !video.paused;
    },
    first,
    { timeout: 10_000 },
  );
}

const HISTORY_ITEMS = '[data-video-job-gallery] [data-part="item"]';

async function historyCount(page) {
  return page.evaluate((selector) => document.querySelectorAll(selector).length, HISTORY_ITEMS);
}

export function playgroundTests({ base, screenshots, axeSource }) {
  return [
    {
      name: 'Playground history: a job from a start image is listed; Run again re-submits its input with the image by URL (nothing uploaded again); another tab follows the history, and Remove there takes the job out here',
      timeoutMs: 60_000,
      async run(page) {
        await freshPlayground(page, base, { provider: 'fal', queue: 0.3, position: 0, run: 1, upload: 0 });
        const prompt = 'A lighthouse in a storm, waves breaking over the rocks';
        await page.getByLabel('Prompt').fill(prompt);
        await page.getByRole('button', { name: 'Use a sample image' }).click();
        await page.getByRole('img', { name: 'Start image: sample.png' }).waitFor();
        // A second tab of the same browser: it shares localStorage (and BroadcastChannel) with this one.
        const other = await page.context().newPage();
        try {
          await other.setViewportSize({ width: 1180, height: 900 });
          await openStory(other, base, STORY);
          await other.waitForSelector('[data-video-job-gallery] [data-part="empty"]');

          await generate(page);
          await waitForStatus(page, 'completed', 20_000);
          await page.waitForSelector(`${HISTORY_ITEMS}[data-status="completed"]`);
          const title = await page.textContent(`${HISTORY_ITEMS} [data-part="title"]`);
          if (title !== prompt) throw new Error(`the history item is titled ${JSON.stringify(title)}`);
          const image = await page.textContent('[data-testid="job-image"]');
          if (!image || image === '–') throw new Error('the job names no uploaded start image');
          const firstId = await page.textContent('[data-testid="job-id"]');
          // The other tab shows the finished job without a reload.
          await other.waitForSelector(`${HISTORY_ITEMS}[data-status="completed"]`, { timeout: 5_000 });

          // Another prompt and no image in the form: Run again takes the job's own input, not the form's.
          await page.getByLabel('Prompt').fill('Something else entirely');
          await page
            .locator('form')
            .getByRole('button', { name: /^Remove/ })
            .click();
          await page.locator('[data-video-job-gallery]').getByRole('button', { name: 'Run again' }).click();
          await page.waitForFunction(
            (id) => document.querySelector('[data-testid="job-id"]')?.textContent !== id,
            firstId,
          );
          const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-part') ?? 'body');
          if (focused !== 'panel') throw new Error(`after Run again focus is on ${focused}`);
          await waitForStatus(page, 'completed', 20_000);
          await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 2, HISTORY_ITEMS);
          const titles = await page.$$eval(`${HISTORY_ITEMS} [data-part="title"]`, (nodes) =>
            nodes.map((node) => node.textContent),
          );
          if (titles.some((text) => text !== prompt)) throw new Error(`history titles: ${titles.join(' | ')}`);
          const again = await page.textContent('[data-testid="job-image"]');
          if (again !== image) throw new Error(`Run again sent the image ${again}, the first job ${image}`);
          const stored = await page.textContent('[data-testid="uploads"]');
          if (stored !== '1') throw new Error(`${stored} images stored: the image was uploaded again`);
          const violations = await axeViolations(page, axeSource);
          if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
          await page.locator('.pg-history').scrollIntoViewIfNeeded();
          await page.waitForTimeout(300);
          await page.locator('.pg-history').screenshot({ path: join(screenshots, 'playground--history.png') });
          await page.setViewportSize({ width: 390, height: 844 });
          await page.waitForTimeout(300);
          await page.locator('.pg-history').screenshot({ path: join(screenshots, 'playground--history--390.png') });
          const narrow = await axeViolations(page, axeSource);
          if (narrow.length) throw new Error(`axe violations at 390 px:\n${narrow.join('\n')}`);

          // Remove in the other tab: the job leaves this tab's history too.
          await other.waitForFunction((selector) => document.querySelectorAll(selector).length === 2, HISTORY_ITEMS, {
            timeout: 5_000,
          });
          await other.locator('[data-video-job-gallery]').getByRole('button', { name: 'Remove' }).first().click();
          await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 1, HISTORY_ITEMS, {
            timeout: 5_000,
          });
          if ((await historyCount(other)) !== 1) throw new Error('Remove did not take the job out of its own tab');
        } finally {
          await other.close();
        }
      },
    },
    {
      name: 'Playground: Generate runs a fal job through queue and run to a finished video that plays',
      async run(page) {
        await freshPlayground(page, base, { provider: 'fal', queue: 1, position: 2, run: 2 });
        await generate(page);
        await waitForStatus(page, 'queued', 5_000);
        await page.waitForSelector('[data-part="status"]:text-matches("In queue")');
        await waitForStatus(page, 'completed');
        await expectVideoPlaying(page);
        const src = await page.getAttribute('[data-video-player] video', 'src');
        if (!src?.startsWith('blob:')) throw new Error(`video src ${src}`);
        const violations = await axeViolations(page, axeSource);
        if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
        await page.waitForTimeout(300);
        await screenshotStory(page, join(screenshots, 'playground--completed.png'));
      },
    },
    {
      name: 'Playground at 390 px, keyboard only: Generate moves focus to the job status, scrolled into view',
      async run(page) {
        await freshPlayground(page, base, { provider: 'fal', queue: 2, position: 1, run: 2 });
        await page.setViewportSize({ width: 390, height: 844 });
        if (!(await page.$('main'))) throw new Error('the playground has no <main>');
        await page.focus('[data-playground] form textarea');
        await page.getByRole('button', { name: 'Generate' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-video-job-progress]:not([data-status="idle"])', { timeout: 5_000 });
        await page.waitForTimeout(1_200);
        const where = await page.evaluate(() => {
          const active = document.activeElement;
          const rect = active.getBoundingClientRect();
          return {
            part: active.getAttribute('data-part'),
            inView: rect.top >= 0 && rect.top < window.innerHeight / 2,
            top: rect.top,
            scrollY: window.scrollY,
          };
        });
        if (where.part !== 'panel') throw new Error(`focus after Generate is on ${where.part ?? 'body'}`);
        if (!where.inView) throw new Error(`the progress card is not scrolled into view: ${JSON.stringify(where)}`);
        await page.waitForTimeout(400);
        await page.screenshot({ path: join(screenshots, 'playground--390-after-generate.png') });
        const violations = await axeViolations(page, axeSource);
        if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
      },
    },
    {
      name: 'Playground: once a model has finished a job, the next one says how long it usually takes; the queue counts down',
      async run(page) {
        await freshPlayground(page, base, { provider: 'fal', queue: 0.5, position: 0, run: 2 });
        await generate(page);
        await waitForStatus(page, 'completed');
        await configure(page, { queue: 3, position: 3, run: 2 });
        await generate(page);
        await page.waitForSelector('[data-part="remaining"]:text-matches("^Usually about \\\\d+ s$")', {
          timeout: 5_000,
        });
        await page.waitForSelector('[data-part="remaining"]:text-matches("left in queue$")', { timeout: 10_000 });
        const bar = await page.getAttribute('[data-part="progress"]', 'data-state');
        if (bar !== 'queue') throw new Error(`the bar is ${bar} while the queue moves`);
        await screenshotStory(page, join(screenshots, 'playground--queue-estimate.png'));
        await waitForStatus(page, 'completed');
      },
    },
    {
      name: 'Playground, keyboard only: generate → cancel → run again, focus checked at each step',
      async run(page) {
        await freshPlayground(page, base, { provider: 'videogen', queue: 0.5, position: 0, run: 30 });
        const focusedPart = () =>
          page.evaluate(() => {
            const active = document.activeElement;
            if (!active || active === document.body) return 'body';
            return active.closest('[data-video-job-progress]') ? active.getAttribute('data-part') : active.tagName;
          });
        await page.getByRole('button', { name: 'Generate' }).focus();
        await page.keyboard.press('Enter');
        await waitForStatus(page, 'running', 10_000);
        if ((await focusedPart()) !== 'panel') throw new Error(`after Generate focus is on ${await focusedPart()}`);
        // From the panel, Tab reaches Cancel (the logs come first when the provider sends any).
        for (let presses = 0; presses < 4 && (await focusedPart()) !== 'cancel'; presses++)
          await page.keyboard.press('Tab');
        if ((await focusedPart()) !== 'cancel') throw new Error('Tab never reached Cancel');
        await page.keyboard.press('Enter');
        await waitForStatus(page, 'cancelled', 10_000);
        await page.waitForSelector('[data-part="run-again"]');
        if ((await focusedPart()) !== 'run-again') throw new Error(`after Cancel focus is on ${await focusedPart()}`);
        await screenshotStory(page, join(screenshots, 'playground--cancelled-run-again.png'));
        const first = await page.textContent('[data-testid="job-id"]');
        await page.keyboard.press('Enter');
        await page.waitForSelector(
          '[data-video-job-progress]:is([data-status="submitting"], [data-status="queued"], [data-status="running"])',
        );
        if ((await focusedPart()) !== 'panel') throw new Error(`after Run again focus is on ${await focusedPart()}`);
        await waitForStatus(page, 'running', 10_000);
        if ((await page.textContent('[data-testid="job-id"]')) === first)
          throw new Error('Run again did not start a new job');
        await page.getByRole('button', { name: 'Cancel' }).click();
        await waitForStatus(page, 'cancelled', 10_000);
      },
    },
    {
      name: 'Playground, keyboard only: failed → Retry, focus on the progress group while the new job runs',
      async run(page) {
        await freshPlayground(page, base, { provider: 'aigateway', queue: 0.3, position: 0, run: 1, failure: 100 });
        await generate(page);
        await waitForStatus(page, 'failed', 20_000);
        await configure(page, { failure: 0 });
        await page.getByRole('button', { name: 'Retry' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-video-job-progress]:not([data-status="failed"])');
        const part = await page.evaluate(() => document.activeElement?.getAttribute('data-part') ?? 'body');
        if (part !== 'panel') throw new Error(`after Retry focus is on ${part}`);
        await waitForStatus(page, 'completed', 20_000);
        const after = await page.evaluate(() => Boolean(document.activeElement?.closest('[data-video-job-progress]')));
        if (!after) throw new Error('focus left the progress card when the job completed');
      },
    },
    {
      name: 'Playground: a provider that cannot cancel says "Stopped following" (not "Cancelled") and offers Run again',
      async run(page) {
        await freshPlayground(page, base, { provider: 'kling', queue: 0.3, position: 0, run: 4 });
        await generate(page);
        await waitForStatus(page, 'running', 10_000);
        await page.getByRole('button', { name: 'Cancel' }).click();
        await waitForStatus(page, 'stopped', 10_000);
        const status = await page.textContent('[data-part="status"]');
        if (status !== 'Stopped following') throw new Error(`status reads ${JSON.stringify(status)}`);
        const violations = await axeViolations(page, axeSource);
        if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
        await screenshotStory(page, join(screenshots, 'playground--stopped-following.png'));
        if (!(await page.$('[data-part="run-again"]'))) throw new Error('no Run again');
      },
    },
    {
      name: 'Playground: every simulated wire format runs to a playable video',
      timeoutMs: 90_000,
      async run(page) {
        await freshPlayground(page, base, { queue: 0.3, position: 1, run: 1 });
        const providers = await page.$$eval('[data-playground] select option', (options) =>
          options.map((o) => o.value),
        );
        if (providers.length < 7) throw new Error(`only ${providers.length} providers offered: ${providers}`);
        for (const provider of providers) {
          await configure(page, { provider });
          await generate(page);
          try {
            await waitForStatus(page, 'completed', 20_000);
            await page.waitForFunction(
              () => document.querySelector('[data-video-player] video')?.readyState >= 2,
              undefined,
              { timeout: 10_000 },
            );
          } catch (error) {
            const text = await page.textContent('[data-video-job-progress]').catch(() => '');
            const player = await page.getAttribute('[data-video-player]', 'data-status').catch(() => '');
            throw new Error(`${provider}: ${error.message.split('\n')[0]} (progress: "${text}", player: ${player})`);
          }
        }
      },
    },
    {
      name: "Playground: a failed job shows the provider's reason; Retry through request faults reaches a video",
      timeoutMs: 60_000,
      async run(page) {
        await freshPlayground(page, base, { provider: 'kling', queue: 0.5, position: 0, run: 1, failure: 100 });
        await generate(page);
        await waitForStatus(page, 'failed', 20_000);
        const status = await page.textContent('[data-part="status"]');
        if (status !== 'The video could not be generated.') throw new Error(`status reads ${JSON.stringify(status)}`);
        const detail = await page.textContent('[data-part="detail"]');
        if (!/content checker/.test(detail ?? '')) throw new Error(`details read ${JSON.stringify(detail)}`);
        await page.waitForFunction(() => /failed/i.test(document.querySelector('[role="status"]')?.textContent ?? ''));
        const said = await page.textContent('[data-video-job-progress] [role="status"]');
        if (/content checker/.test(said ?? '')) throw new Error(`the live region reads the technical text: ${said}`);
        const violations = await axeViolations(page, axeSource);
        if (violations.length) throw new Error(`axe violations:\n${violations.join('\n')}`);
        await screenshotStory(page, join(screenshots, 'playground--failed.png'));

        // Now 30 % of requests fail (5xx, 429, dropped): polls are retried; a submit is never retried blindly,
        // so a user whose submit meets a fault presses Retry again.
        await configure(page, { failure: 0, faults: 30 });
        for (let attempt = 1; ; attempt++) {
          await page.getByRole('button', { name: 'Retry' }).click();
          await page.waitForSelector(
            '[data-video-job-progress]:is([data-status="completed"], [data-status="failed"])',
            {
              timeout: 30_000,
            },
          );
          if ((await jobStatus(page)) === 'completed') break;
          if (attempt === 5)
            throw new Error(`still failing after 5 tries: ${await page.textContent('[data-part="status"]')}`);
        }
        await expectVideoPlaying(page);
      },
    },
    {
      name: 'Playground: Cancel mid-run stops the job and its polling',
      async run(page) {
        await freshPlayground(page, base, { provider: 'videogen', queue: 0.5, position: 0, run: 30 });
        await generate(page);
        await waitForStatus(page, 'running', 10_000);
        await page.getByRole('button', { name: 'Cancel' }).click();
        await waitForStatus(page, 'cancelled', 10_000);
        if (await page.$('[data-part="cancel"]')) throw new Error('Cancel is still offered after cancelling');
        const polls = await page.textContent('[data-testid="polls"]');
        await page.waitForTimeout(2_500);
        const later = await page.textContent('[data-testid="polls"]');
        if (later !== polls) throw new Error(`polling went on after cancel: ${polls} -> ${later}`);
        await page.waitForTimeout(200);
        await screenshotStory(page, join(screenshots, 'playground--cancelled.png'));
      },
    },
    {
      name: 'Playground: a reload mid-job resumes the same job; a reload after the end plays it from a fresh URL',
      async run(page) {
        await freshPlayground(page, base, { provider: 'aigateway', queue: 0.5, position: 0, run: 5 });
        await generate(page);
        await waitForStatus(page, 'running', 10_000);
        const id = await page.textContent('[data-testid="job-id"]');
        await page.reload({ waitUntil: 'load' });
        await page.waitForSelector('[data-video-job-progress]:not([data-status="idle"])', { timeout: 10_000 });
        const resumed = await page.textContent('[data-testid="job-id"]');
        if (resumed !== id) throw new Error(`after reload the job is ${resumed}, was ${id}`);
        if ((await page.textContent('[data-testid="replayed"]')) === '0') throw new Error('the simulator lost the job');
        const status = await jobStatus(page);
        if (status !== 'running' && status !== 'completed') throw new Error(`after reload: ${status}`);
        await waitForStatus(page, 'completed');
        await expectVideoPlaying(page);

        // Reloaded after the end: the stored result comes back, its blob: URL died with the old page (as a
        // signed URL expires), so the player fetches a fresh job record once and plays its URL.
        const before = await page.getAttribute('[data-video-player] video', 'src');
        await page.reload({ waitUntil: 'load' });
        await waitForStatus(page, 'completed', 10_000);
        if ((await page.textContent('[data-testid="job-id"]')) !== id) throw new Error('a different job after reload');
        await expectVideoPlaying(page);
        const after = await page.getAttribute('[data-video-player] video', 'src');
        if (after === before) throw new Error('the dead URL from before the reload is still used');
      },
    },
  ];
}

// The browser flows of the example app (see e2e.mjs): each drives the real app in Chromium against the simulator.

const LONG = '[long]';

/** The flows; `sim` is the in-process simulator behind the loopback server, so jobs can be read as they stand. */
export async function flows({ browser, appUrl, sim, check, assert, until, output }) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));

  /** Browser requests to the app's video routes, from the moment `start()` is called. */
  function countRequests() {
    const seen = [];
    const listen = (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/video/')) seen.push(`${request.method()} ${url.pathname}`);
    };
    page.on('request', listen);
    return { seen, stop: () => page.off('request', listen) };
  }

  async function generate(provider, prompt) {
    await page.selectOption('select', provider);
    await page.fill('input', prompt);
    const before = sim.jobs().length;
    await page.click('button[type=submit]');
    const job = await until(
      () =>
        sim
          .jobs()
          .slice(before)
          .find((j) => j.provider === provider),
      15_000,
      'a submit',
    );
    await until(async () => (await page.textContent('[data-testid=job-id]')) === job.id, 15_000, 'the job id shown');
    return job;
  }

  const status = () => page.getAttribute('[data-video-job-progress]', 'data-status');

  await check('a Server Component page renders VideoJobProgress and VideoPlayer from server data', async () => {
    const html = await (await fetch(`${appUrl}/gallery`)).text();
    assert(/data-video-job-progress[^>]*data-status="completed"/.test(html), 'no completed progress in the HTML');
    assert(html.includes(`src="${appUrl}/sample.mp4"`), 'no <video> with the stored URL in the HTML');
    await page.goto(`${appUrl}/gallery`);
    // Hydrated and playable: the server-rendered player is live in the browser.
    await page.waitForFunction(() => document.querySelector('[data-video-player] video')?.readyState >= 2, undefined, {
      timeout: 15_000,
    });
    // The media often loads before React hydrates; the player must still leave "Loading video…".
    await page.waitForSelector('[data-video-player][data-status=ready]', { timeout: 5_000 });
    await page.screenshot({ path: `${output}/gallery.png`, fullPage: true });
  });

  await check(
    'generate -> completed (webhook delivered) -> the video plays; end noticed <= 1 s, <= 2 requests',
    async () => {
      await page.goto(appUrl);
      const requests = countRequests();
      const job = await generate('fal', 'A red fox in the snow');
      await until(() => sim.job(job.id)?.endedAt, 30_000, 'the job to end in the simulator');
      const endedAt = sim.job(job.id).endedAt;
      await until(async () => (await status()) === 'completed', 10_000, 'the page to show completed');
      const noticedMs = Date.now() - endedAt;
      requests.stop();
      const followUps = requests.seen.filter((line) => !line.startsWith('POST /api/video/proxy'));
      console.log(`    notice ${noticedMs} ms; requests after the submit: ${followUps.join(', ') || 'none'}`);
      assert(noticedMs <= 1000, `the end was noticed after ${noticedMs} ms (budget 1 s)`);
      assert(followUps.length <= 2, `${followUps.length} requests after the submit (budget 2)`);
      await page.waitForSelector('[data-video-player][data-status=ready] video');
      const played = await page.evaluate(async () => {
        const video = document.querySelector('[data-video-player] video');
        video.muted = true;
        await video.play();
        await new Promise((done) => setTimeout(done, 800));
        return video.currentTime;
      });
      assert(played > 0, `the video did not play (currentTime ${played})`);
      await page.screenshot({ path: `${output}/completed.png`, fullPage: true });
    },
  );

  await check('a reload mid-job resumes the same job', async () => {
    await page.goto(appUrl);
    const job = await generate('replicate', `A slow sunrise ${LONG}`);
    await until(() => sim.job(job.id)?.status === 'running', 20_000, 'the job to run');
    await page.reload();
    await until(
      async () => (await page.textContent('[data-testid=job-id]')) === job.id,
      15_000,
      'the same job after reload',
    );
    await until(async () => ['queued', 'running'].includes(await status()), 10_000, 'the resumed job to show progress');
    await page.screenshot({ path: `${output}/resumed.png`, fullPage: true });
    // Leave it finished for the next flow.
    await page.click('[data-part=cancel]');
    await until(async () => (await status()) === 'cancelled', 15_000, 'the job to be cancelled');
  });

  await check('cancel stops the job on the provider', async () => {
    await page.goto(appUrl);
    const job = await generate('fal', `A long train journey ${LONG}`);
    await until(async () => ['queued', 'running'].includes(await status()), 10_000, 'progress');
    await page.click('[data-part=cancel]');
    await until(async () => (await status()) === 'cancelled', 15_000, 'the page to show cancelled');
    await until(() => sim.job(job.id)?.status === 'cancelled', 5_000, 'the simulator to cancel the job');
    await page.screenshot({ path: `${output}/cancelled.png`, fullPage: true });
  });

  await check('events configured, no webhook delivered: the end is noticed in <= 30 s', async () => {
    await page.goto(appUrl);
    // The simulator delivers no webhooks for Kling here (a callback URL the provider cannot reach).
    const job = await generate('kling', 'A lighthouse in a storm');
    await until(() => sim.job(job.id)?.endedAt, 30_000, 'the job to end in the simulator');
    const endedAt = sim.job(job.id).endedAt;
    await until(async () => (await status()) === 'completed', 31_000, 'the page to show completed');
    const noticedMs = Date.now() - endedAt;
    console.log(`    notice ${noticedMs} ms without a webhook`);
    assert(noticedMs <= 30_000, `noticed after ${noticedMs} ms`);
    await page.screenshot({ path: `${output}/no-webhook.png`, fullPage: true });
  });

  await check('no errors in the page', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
  await page.close();
}

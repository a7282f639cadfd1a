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

  /** The first job of `provider` the simulator got after the first `before` jobs. */
  function newJob(provider, before, ms, what) {
    return until(
      () =>
        sim
          .jobs()
          .slice(before)
          .find((j) => j.provider === provider),
      ms,
      what,
    );
  }

  /** The player's video, muted, plays for `ms`: resolves whether its time moved. */
  async function plays(ms) {
    await page.waitForSelector('[data-video-player][data-status=ready] video');
    return page.evaluate(async (wait) => {
      const video = document.querySelector('[data-video-player] video');
      video.muted = true;
      await video.play();
      await new Promise((done) => setTimeout(done, wait));
      return video.readyState >= 2 && video.currentTime > 0;
    }, ms);
  }

  async function generate(provider, prompt) {
    await page.selectOption('select', provider);
    await page.fill('input', prompt);
    const before = sim.jobs().length;
    await page.click('button[type=submit]');
    const job = await newJob(provider, before, 15_000, 'a submit');
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
      assert(await plays(800), 'the video did not play');
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

  /** A real PNG from the packed library's testing entry, as an app's own test would make one. */
  async function samplePng(width, height) {
    const { sampleImageBytes } = await import(
      new URL('../node_modules/react-video-jobs/dist/testing.js', import.meta.url).href
    );
    return Buffer.from(sampleImageBytes({ width, height }));
  }

  /** The upload bar's value while uploading, else `undefined`. */
  const uploadPercent = () =>
    page.evaluate(() => {
      const bar = document.querySelector('[data-video-job-progress][data-status="uploading"] [role="progressbar"]');
      return bar ? Number(bar.getAttribute('aria-valuenow')) : undefined;
    });

  await check(
    'a start image (fal): picked in the file input, "Uploading" with real byte progress on a slow link, PUT straight to the pre-signed URL, then a video that plays',
    async () => {
      await page.goto(appUrl);
      await page.selectOption('select', 'fal');
      await page.fill('input', 'A lighthouse at dusk, from this photo');
      await page.setInputFiles('input[type=file]', {
        name: 'start.png',
        mimeType: 'image/png',
        buffer: await samplePng(640, 360),
      });
      await page.waitForSelector('img[alt="Start image: start.png"]');
      // Chromium's own network throttling: the browser's XMLHttpRequest reports the bytes as they really go out.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 300 * 1024,
      });
      const requests = countRequests();
      const uploadsBefore = sim.uploads().length;
      const jobsBefore = sim.jobs().length;
      try {
        await page.click('button[type=submit]');
        const first = await until(uploadPercent, 5_000, 'the upload bar');
        const later = await until(
          async () => {
            const now = await uploadPercent();
            return now !== undefined && now > first ? now : undefined;
          },
          5_000,
          'the upload bar to move on',
        );
        const text = await page.textContent('[data-part="status"]');
        assert(/^Uploading – \d+ %$/.test(text ?? ''), `status reads ${JSON.stringify(text)}`);
        console.log(`    upload bar ${first} % -> ${later} %`);
        await page.screenshot({ path: `${output}/uploading.png`, fullPage: true });
      } finally {
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 0,
          downloadThroughput: -1,
          uploadThroughput: -1,
        });
        await cdp.detach();
      }
      const job = await newJob('fal', jobsBefore, 20_000, 'the submit');
      requests.stop();
      const upload = sim.uploads().slice(uploadsBefore)[0];
      assert(upload?.status === 'stored' && upload.provider === 'fal', 'no stored fal upload in the simulator');
      assert(JSON.stringify(job.input).includes(upload.url), `the submit does not name the upload: ${job.input}`);
      // The key-holding call goes through the proxy; the bytes do not (they went to the pre-signed URL).
      assert(
        requests.seen.includes('POST /api/video/proxy') && !requests.seen.some((line) => line.startsWith('PUT')),
        `requests through the app: ${requests.seen.join(', ')}`,
      );
      await until(async () => (await status()) === 'completed', 30_000, 'the page to show completed');
      assert(await plays(600), 'the video did not play');
      await page.screenshot({ path: `${output}/image-completed.png`, fullPage: true });
    },
  );

  await check(
    'a start image (kling): base64 in the submit, through the proxy route, decoded to the same bytes',
    async () => {
      await page.goto(appUrl);
      await page.selectOption('select', 'kling');
      await page.fill('input', 'A lighthouse at dusk, from this photo');
      const png = await samplePng(400, 300);
      await page.setInputFiles('input[type=file]', { name: 'start.png', mimeType: 'image/png', buffer: png });
      await page.waitForSelector('img[alt="Start image: start.png"]');
      const jobsBefore = sim.jobs().length;
      await page.click('button[type=submit]');
      const job = await newJob('kling', jobsBefore, 20_000, 'the submit');
      // The simulated Kling decodes the base64 it got and keeps it as a file: the same bytes as the PNG picked.
      const upload = sim.uploads().find((candidate) => candidate.url === job.input?.image);
      assert(upload?.provider === 'kling', `the submit's image is ${String(job.input?.image).slice(0, 80)}`);
      assert(upload.bytes.length === png.length, `${upload.bytes.length} bytes arrived, ${png.length} were picked`);
      // The job is under way (the fal flow follows one to its video; Kling's webhooks are dropped here, so its end
      // would take the events fallback's 20 s to be noticed).
      await until(async () => ['queued', 'running'].includes(await status()), 10_000, 'the job to be under way');
    },
  );

  await check(
    'a file that is not an image is refused before anything is sent, the reason under the field',
    async () => {
      await page.goto(appUrl);
      await page.selectOption('select', 'fal');
      await page.setInputFiles('input[type=file]', {
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('not an image, whatever the name says'),
      });
      const requests = countRequests();
      await page.click('button[type=submit]');
      const alert = await page.waitForSelector('[data-testid=image-field] [role=alert]', { timeout: 5_000 });
      requests.stop();
      assert(/not an image fal can read/.test(await alert.textContent()), 'the reason is not shown');
      assert(requests.seen.length === 0, `requests were sent: ${requests.seen.join(', ')}`);
      await page.screenshot({ path: `${output}/image-refused.png`, fullPage: true });
    },
  );

  await check('no errors in the page', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
  await page.close();
}

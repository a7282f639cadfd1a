// Opening a story in Storybook's iframe and checking it: render, axe, screenshot.

/** Opens a story alone (no manager UI) and waits for one of our components to render. */
export async function openStory(page, base, id) {
  await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, { waitUntil: 'load' });
  await page.waitForSelector(
    '#storybook-root :is([data-video-job-progress], [data-video-player], [data-video-job-gallery], [data-playground])',
    {
      timeout: 20_000,
    },
  );
  await page.evaluate(() => document.fonts.ready);
}

/**
 * Runs axe-core on the story root; resolves with readable violations (an empty list when clean). `disable` names
 * rules to skip, e.g. `color-contrast` under forced colours, where the system picks every colour and axe mixes the
 * author's text colour with the forced background.
 */
export async function axeViolations(page, axeSource, { disable = [] } = {}) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async (skip) => {
    const rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
    const result = await window.axe.run(document.querySelector('#storybook-root'), {
      resultTypes: ['violations'],
      rules,
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
  }, disable);
  return violations.map((violation) => `${violation.id} (${violation.help}): ${violation.nodes.join('; ')}`);
}

/** Screenshots the story's content with a margin of its page background. */
export async function screenshotStory(page, path) {
  const box = await page.evaluate(() => {
    const content = document.querySelector('#storybook-root .sb-column, #storybook-root [data-playground]');
    const rect = (content ?? document.querySelector('#storybook-root')).getBoundingClientRect();
    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  });
  const margin = 24;
  const x = Math.max(0, box.x - margin);
  const y = Math.max(0, box.y - margin);
  await page.screenshot({
    path,
    clip: { x, y, width: box.width + 2 * margin, height: box.height + 2 * margin },
    fullPage: true,
    animations: 'allow',
  });
}

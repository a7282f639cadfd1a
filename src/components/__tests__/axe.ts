import axe from 'axe-core';

/**
 * Runs axe-core on a rendered container and returns its violations, formatted for a readable failure.
 * `color-contrast` needs real layout, which jsdom has not: the browser tests check it on the stories.
 */
export async function axeViolations(container: Element): Promise<string[]> {
  const results = await axe.run(container, {
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.html).join(', ')})`,
  );
}

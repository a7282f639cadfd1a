import { createRequire } from 'node:module';

/** The part of jsdom's API used here (the package ships no types and @types/jsdom is not installed). */
interface JsdomWindow extends Record<string, unknown> {
  document: Document;
  navigator: Navigator;
  close(): void;
}
type JsdomConstructor = new (
  html: string,
  options: { url: string; pretendToBeVisual: boolean },
) => {
  window: JsdomWindow;
};
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: JsdomConstructor };

/**
 * A browser-like global scope from jsdom for the rendering section (what vitest's jsdom environment does):
 * `window`, `document` and every DOM class the components and React DOM touch. Node's own globals (timers,
 * fetch, streams) are kept, so the virtual clock and the simulator behave as in the other sections.
 */
export function installDom(): () => void {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'https://app.local/',
    pretendToBeVisual: true,
  });
  const g = globalThis as unknown as Record<string, unknown>;
  const window = dom.window;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(window)) {
    if (key in g || key.startsWith('_')) continue;
    try {
      g[key] = window[key];
      added.push(key);
    } catch {
      // Some window properties are getters that refuse a foreign receiver; React does not need them.
    }
  }
  g.window = dom.window;
  g.document = dom.window.document;
  g.navigator = dom.window.navigator;
  return () => {
    for (const key of added) delete g[key];
    dom.window.close();
  };
}

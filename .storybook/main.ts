// Storybook 10 (React + Vite). `npm start` runs the dev server; `npm run build-storybook` builds storybook-static/,
// which test/browser/run.mjs serves to Chromium. Stories run the simulator in the page: no API key, no network.
import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: [],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Prop tables are not needed for these fixtures, and docgen is the slowest part of the build.
  typescript: { reactDocgen: false },
  async viteFinal(viteConfig) {
    // The project's vite.config.ts builds the library (lib mode, externals); Storybook builds an app.
    if (viteConfig.build) {
      const build = viteConfig.build as typeof viteConfig.build & { rolldownOptions?: unknown };
      delete build.lib;
      delete build.rollupOptions;
      delete build.rolldownOptions;
      build.sourcemap = false;
      build.minify = true;
    }
    return viteConfig;
  },
};

export default config;

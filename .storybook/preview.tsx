import type { Decorator, Preview } from '@storybook/react-vite';
import { useEffect } from 'react';
import '../src/components/styles.css';
import './preview.css';

/** Applies the toolbar's theme and direction to the whole page, so components, backgrounds and text agree. */
const withThemeAndDirection: Decorator = (Story, context) => {
  const theme = context.globals.theme === 'dark' ? 'dark' : 'light';
  const dir = context.globals.dir === 'rtl' ? 'rtl' : 'ltr';
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dir = dir;
    document.documentElement.lang = dir === 'rtl' ? 'ar' : 'en';
  }, [theme, dir]);
  return (
    <div className="sb-frame" data-theme={theme} dir={dir}>
      <Story />
    </div>
  );
};

const preview: Preview = {
  decorators: [withThemeAndDirection],
  globalTypes: {
    theme: {
      description: 'Colour theme of the components',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    dir: {
      description: 'Text direction',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', dir: 'ltr' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    // `npm start` opens on the playground.
    options: { storySort: { order: ['Playground', 'Components', ['VideoJobProgress', 'VideoPlayer']] } },
  },
};

export default preview;

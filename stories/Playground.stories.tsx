import type { Meta, StoryObj } from '@storybook/react-vite';
import { PlaygroundApp } from './playground/PlaygroundApp';

/**
 * Choose a provider (every wire format the simulator speaks), set the queue, run time, failure and fault rates,
 * and press Generate: `useVideoGeneration` (with `persist`) and the components run against the simulator in this
 * page. Cancel, Retry and reloading mid-job behave as they would against the real API.
 */
const meta = {
  title: 'Playground',
  component: PlaygroundApp,
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof PlaygroundApp>;

export default meta;

export const Simulator: StoryObj<typeof meta> = {};

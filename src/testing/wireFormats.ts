import type { WireFormat } from './wireFormat';
import { falWire } from './wire/fal';
import { klingWire } from './wire/kling';
import { aigatewayWire } from './wire/aigateway';
import { videogenWire } from './wire/videogen';
import { visgateWire } from './wire/visgate';
import { openaiVideosWire } from './wire/openaiVideos';
import { replicateWire } from './wire/replicate';

/**
 * Every wire format the simulator speaks. To add a provider: write `wire/<provider>.ts` exporting a
 * `WireFormat`, import it above and add it below, one line each so parallel additions merge cleanly.
 */
// prettier-ignore
export const WIRE_FORMATS: readonly WireFormat[] = [
  falWire,
  klingWire,
  aigatewayWire,
  videogenWire,
  visgateWire,
  openaiVideosWire,
  replicateWire,
];

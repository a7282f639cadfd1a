import type { WireFormat } from './wireFormat';
import { falWire } from './wire/fal';

/**
 * Every wire format the simulator speaks. To add a provider: write `wire/<provider>.ts` exporting a
 * `WireFormat`, import it here and add it to the list (one line each, to keep merges trivial).
 */
export const WIRE_FORMATS: readonly WireFormat[] = [falWire];

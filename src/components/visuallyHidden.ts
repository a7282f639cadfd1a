import type { CSSProperties } from 'react';

/**
 * Keeps text in the accessibility tree while taking no space on screen. Inline on purpose: the
 * components ship unstyled, and a live region must stay hidden even without the optional stylesheet.
 */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

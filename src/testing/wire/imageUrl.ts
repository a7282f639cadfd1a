import { isDownloadableUrl } from '../../core/downloadableUrl';
import type { WireContext } from '../wireFormat';

/**
 * Why an API that downloads its input image from a URL (AI gateway, visgate) could not use `value`, or `undefined`
 * when it can: not a string, not an absolute `https:` URL (`http:` only on a loopback host, like the simulator's own
 * uploads), or a simulator upload that holds no file (unknown, or a pre-signed target never PUT to). Neither API
 * documents its refusal; both wire formats answer it as refused input.
 */
export function imageUrlProblem(value: unknown, ctx: WireContext): string | undefined {
  if (typeof value !== 'string' || value === '') return 'image_url must be a non-empty string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'image_url must be an absolute URL';
  }
  if (!isDownloadableUrl(value)) return 'image_url must be an https: URL';
  if (/^\/sim-uploads(\/|$)/.test(url.pathname) && ctx.upload(value)?.status !== 'stored') {
    return 'image_url could not be downloaded (no such file)';
  }
  return undefined;
}

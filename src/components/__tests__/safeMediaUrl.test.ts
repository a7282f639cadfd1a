import { safeMediaUrl } from '../safeMediaUrl';

describe('safeMediaUrl', () => {
  it.each([
    ['https://cdn.example.com/v.mp4', 'https://cdn.example.com/v.mp4'],
    ['http://127.0.0.1:8080/v.mp4', 'http://127.0.0.1:8080/v.mp4'],
    ['blob:https://app.example.com/5a1c-4e', 'blob:https://app.example.com/5a1c-4e'],
    ['  HTTPS://CDN.example.com/v.mp4 ', 'https://cdn.example.com/v.mp4'],
  ])('lets %s through (normalised)', (input, expected) => {
    expect(safeMediaUrl(input, undefined)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' java\tscript:alert(1)',
    'data:video/mp4;base64,AAAA',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://example.com/v.mp4',
    'vbscript:msgbox(1)',
    'about:blank',
    '',
    '   ',
  ])('refuses %j', (input) => {
    expect(safeMediaUrl(input, undefined)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(safeMediaUrl(undefined)).toBeUndefined();
    expect(safeMediaUrl(null)).toBeUndefined();
    expect(safeMediaUrl({ toString: () => 'https://x.example' })).toBeUndefined();
  });

  it('refuses relative URLs without a base, and resolves them against one', () => {
    expect(safeMediaUrl('/videos/a.mp4', undefined)).toBeUndefined();
    expect(safeMediaUrl('/videos/a.mp4', 'https://app.example.com/page')).toBe('https://app.example.com/videos/a.mp4');
    // A relative URL is only as safe as what it resolves to.
    expect(safeMediaUrl('a.mp4', 'file:///home/me/index.html')).toBeUndefined();
    expect(safeMediaUrl('javascript:alert(1)', 'https://app.example.com/')).toBeUndefined();
  });
});

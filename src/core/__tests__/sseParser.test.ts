import { createSseParser, type ServerSentEvent } from '../sseParser';

function parse(chunks: string[]) {
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, comments };
}

describe('createSseParser', () => {
  it('dispatches events with type, data, id and retry', () => {
    const { events } = parse(['retry: 3000\nid: 1\nevent: snapshot\ndata: {"a":1}\n\n']);
    expect(events).toEqual([{ event: 'snapshot', data: '{"a":1}', id: '1', retry: 3000 }]);
  });

  it('joins data lines, defaults the type to message, and keeps the id for later events', () => {
    const { events } = parse(['id: 7\ndata: one\ndata: two\n\ndata: three\n\n']);
    expect(events).toEqual([
      { event: 'message', data: 'one\ntwo', id: '7' },
      { event: 'message', data: 'three', id: '7' },
    ]);
  });

  it('handles CRLF, CR and chunks split anywhere, including inside a CRLF', () => {
    const text = 'event: snapshot\r\ndata: x\r\n\r\nevent: snapshot\rdata: y\r\rdata: z\n\n';
    const whole = parse([text]).events;
    const split = parse(text.split('')).events;
    const atCr = parse(['event: snapshot\r', '\ndata: x\r', '\n\r', '\n']).events;
    expect(whole.map((e) => e.data)).toEqual(['x', 'y', 'z']);
    expect(split).toEqual(whole);
    expect(atCr).toEqual([{ event: 'snapshot', data: 'x' }]);
  });

  it('reports comments (heartbeats), ignores unknown fields and an event with no data', () => {
    const { events, comments } = parse(['\uFEFF: ping\nfoo: bar\nevent: lonely\n\n: again\n']);
    expect(events).toEqual([]);
    expect(comments).toEqual(['ping', 'again']);
  });

  it('ignores an id with NUL and a non-numeric retry', () => {
    const { events } = parse(['id: a\0b\nretry: soon\ndata: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x' }]);
  });
});

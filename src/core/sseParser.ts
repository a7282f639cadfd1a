/** One dispatched Server-Sent Event. */
export interface ServerSentEvent {
  /** The event type; `message` when the stream names none. */
  event: string;
  data: string;
  /** The stream's last event id at dispatch time (ids persist across events, as in `EventSource`). */
  id?: string;
  /** A reconnection delay the server asked for, in ms. */
  retry?: number;
}

export interface SseParserHandlers {
  onEvent(event: ServerSentEvent): void;
  /** A comment line (`: ...`), which servers send as heartbeats. */
  onComment?(text: string): void;
}

export interface SseParser {
  /** Feeds decoded text; events are dispatched as soon as their blank line arrives. */
  feed(text: string): void;
}

/**
 * An incremental parser for the `text/event-stream` format (WHATWG HTML, "server-sent events"): lines end in
 * CRLF, LF or CR, a chunk may split a line (or a CRLF) anywhere, and `id` carries over to later events.
 */
export function createSseParser(handlers: SseParserHandlers): SseParser {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let lastId: string | undefined;
  let retry: number | undefined;
  let first = true;
  // A chunk ending in CR may be the first half of a CRLF: the LF that follows must not end another line.
  let skipLeadingLf = false;

  function line(text: string) {
    if (text === '') {
      if (data.length > 0) {
        const dispatched: ServerSentEvent = { event: event || 'message', data: data.join('\n') };
        if (lastId !== undefined) dispatched.id = lastId;
        if (retry !== undefined) dispatched.retry = retry;
        handlers.onEvent(dispatched);
      }
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) {
      handlers.onComment?.(text.slice(1).trimStart());
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  }

  return {
    feed(text: string) {
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      buffer += text;
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const char = buffer[index];
        if (char !== '\n' && char !== '\r') continue;
        line(buffer.slice(start, index));
        if (char === '\r') {
          if (index + 1 === buffer.length) skipLeadingLf = true;
          else if (buffer[index + 1] === '\n') index++;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}

// A framed DAP client over any pair of streams, written apart from the adapter's own framing
// (toolchain/wire/frames.ts) so that the tests check it: requests numbered in order, and a
// wait for the response to a request or for an event, whichever order they arrive in.

export interface Message { type: string; seq: number; command?: string; event?: string; request_seq?: number; success?: boolean; message?: string; body?: Record<string, unknown> }

/** A framed DAP client over any pair of streams. */
export function client(write: (text: string) => void, onData: (listener: (chunk: Buffer) => void) => void) {
  let buffer = Buffer.alloc(0);
  let seq = 1;
  const seen: Message[] = [];
  const waiters: Array<{ match: (m: Message) => boolean; done: (m: Message) => void }> = [];
  onData((chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const header = buffer.indexOf('\r\n\r\n');
      if (header < 0) break;
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, header).toString())![1]);
      if (buffer.length < header + 4 + length) break;
      const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString()) as Message;
      buffer = buffer.subarray(header + 4 + length);
      const w = waiters.findIndex((x) => x.match(message));
      if (w >= 0) waiters.splice(w, 1)[0]!.done(message);
      else seen.push(message);
    }
  });
  const waitFor = (match: (m: Message) => boolean): Promise<Message> => {
    const i = seen.findIndex(match);
    if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!);
    return new Promise((done) => waiters.push({ match, done }));
  };
  return {
    raw: write,
    request(command: string, args: object = {}): Promise<Message> {
      const s = seq++;
      const body = JSON.stringify({ seq: s, type: 'request', command, arguments: args });
      write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return waitFor((m) => m.type === 'response' && m.request_seq === s);
    },
    event: (name: string) => waitFor((m) => m.type === 'event' && m.event === name),
    waitForResponse: (requestSeq: number) => waitFor((m) => m.type === 'response' && m.request_seq === requestSeq),
  };
}

// Owns the language server's wire on stdio: frames are read by toolchain/wire/frames.ts
// (a malformed one, `Content-Length: abc` included, is logged as one line and skipped
// instead of wedging the JSON-RPC reader), and a message the server could not take (a
// didOpen without its text) is dropped with one line instead of a TypeError stack.
import { PassThrough, type Readable } from 'node:stream';
import { frame, FrameReader } from '../toolchain/wire/frames';

/** Why a well-formed message is refused, or undefined to pass it on. */
function refusal(m: Record<string, unknown>): string | undefined {
  if (m.jsonrpc !== '2.0') return 'not a JSON-RPC 2.0 message';
  if (m.method === 'textDocument/didOpen') {
    const doc = (m.params as { textDocument?: Record<string, unknown> } | undefined)?.textDocument;
    if (!doc || typeof doc.uri !== 'string' || typeof doc.text !== 'string' || typeof doc.version !== 'number') {
      return 'textDocument/didOpen without uri, version and text';
    }
  }
  return undefined;
}

/** The frames of `input` that the JSON-RPC reader can take, re-framed; problems go to `log` as one line each. */
export function checkedInput(input: Readable, log: (line: string) => void): Readable {
  const out = new PassThrough();
  const reader = new FrameReader({
    malformed: (line) => log(`vdso-lab lsp: malformed frame: ${line}`),
    message: (m, body) => {
      const why = refusal(m);
      if (why) log(`vdso-lab lsp: ignored a message: ${why}`);
      else out.write(frame(body));
    },
  });
  input.on('data', (chunk: Buffer) => reader.push(chunk));
  input.on('end', () => out.end());
  input.on('error', (e) => out.destroy(e));
  return out;
}

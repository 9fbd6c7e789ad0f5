// Owns the debug adapter's wire: frames are read by toolchain/wire/frames.ts (a malformed
// one is logged as one line and skipped, never ending or wedging the adapter), a message
// that is not a request gets one line in the log (a request without a command an error
// response), a client that goes away disposes of its session and so of its guest, and the
// session learns how much written output the client has not yet taken.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FrameReader } from '../toolchain/wire/frames';
import { printable } from '../toolchain/elf/bytes';
import type { VdsoDebugSession } from './session';

/** Starts `session` on `input`/`output`; `log` gets one line per problem; `closed` runs when the client is gone. */
export function startDebugSession(session: VdsoDebugSession, input: Readable, output: Writable, log: (line: string) => void, closed?: () => void): void {
  // The session writes to `output`; it reads only what the frame reader hands it, and logs to `log`.
  session.logTo(log);
  // The guest's output is dropped while the client has not taken what was written (emulator/debug/output-limit.ts).
  session.measureBacklog(() => output.writableLength);
  session.start(new PassThrough(), output);
  const reader = new FrameReader({
    malformed: (line) => log(`vdso-lab dap: malformed frame: ${line}`),
    message: (m) => {
      if (m.type === 'request' && typeof m.command === 'string' && typeof m.seq === 'number') {
        session.handleMessage(m as unknown as Parameters<VdsoDebugSession['handleMessage']>[0]);
        return;
      }
      if (m.type === 'request' && typeof m.seq === 'number') {
        const response: DebugProtocol.Response = new Response({ seq: m.seq, type: 'request', command: String(m.command ?? '') });
        response.success = false;
        response.message = 'a request without a command';
        session.sendResponse(response);
        log(`vdso-lab dap: request ${m.seq} has no command; answered with an error`);
        return;
      }
      if (m.type === 'response') {
        // The adapter sends runInTerminal and the like only with a callback; others are stray.
        session.handleMessage(m as unknown as Parameters<VdsoDebugSession['handleMessage']>[0]);
        return;
      }
      log(`vdso-lab dap: ignored a message of type ${printable(JSON.stringify(m.type ?? null))} (not a request)`);
    },
  });
  let gone = false;
  const end = (): void => {
    if (gone) return;
    gone = true;
    session.dispose();
    closed?.();
  };
  input.on('data', (chunk: Buffer) => reader.push(chunk));
  input.on('end', end);
  input.on('close', end);
  input.on('error', (e) => {
    log(`vdso-lab dap: input error: ${e.message.split('\n')[0]}`);
    end();
  });
  output.on('error', (e) => {
    // Every write after a closed pipe fails again: the first one says it.
    if (!gone) log(`vdso-lab dap: output error: ${e.message.split('\n')[0]}`);
    end();
  });
}

// Owns how a test reaches the adapter when it is about the adapter's wire and log (frames,
// one log line per problem, the answers after them), not its process: dist/debug-adapter.js
// on its stdin, stdout and stderr at full scale, as `npm test` has always run it, and the same
// session in this process at a smaller scale (test/support/scale.ts), which saves the node
// start and the bundle's load. The tests about the process (its exit, a closed stdout, a
// gone stderr, server mode) spawn it themselves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_SCALE } from '../support/scale';
import { within } from '../support/within';
import { adapterInProcess } from './dap-helpers';

export interface WireAdapter {
  write(chunk: string | Uint8Array): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** The log so far (the process's stderr): one line per problem. */
  log(): string;
  /** Resolves once the log holds `text` (after at most 10 s it resolves anyway, and the test's assertions on the log say what is missing). */
  logged(text: string): Promise<void>;
  /** Ends the client's side; resolves once the adapter has ended (the process with status 0). */
  end(): Promise<void>;
}

export function wireAdapter(): WireAdapter {
  let log = '';
  const waiting: Array<{ text: string; done: () => void }> = [];
  const append = (text: string): void => {
    log += text;
    for (let k = waiting.length - 1; k >= 0; k--) if (log.includes(waiting[k]!.text)) waiting.splice(k, 1)[0]!.done();
  };
  const logged = (text: string): Promise<void> => {
    if (log.includes(text)) return Promise.resolve();
    let done = (): void => undefined;
    const arrived = new Promise<void>((r) => (done = r));
    waiting.push({ text, done });
    return within(arrived, 10_000, () => undefined);
  };
  if (TEST_SCALE >= 1) {
    const child = spawn(process.execPath, [resolve('dist/debug-adapter.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (b: Buffer) => append(b.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    return {
      write: (chunk) => void child.stdin!.write(chunk),
      onData: (listener) => void child.stdout!.on('data', listener),
      log: () => log,
      logged,
      end: async () => {
        child.stdin!.end();
        assert.equal(await exited, 0, 'the adapter exits with status 0');
      },
    };
  }
  let closed = (): void => undefined;
  const ended = new Promise<void>((r) => (closed = r));
  const { toAdapter, fromAdapter } = adapterInProcess((line) => append(`${line}\n`), () => closed());
  return {
    write: (chunk) => void toAdapter.write(chunk),
    onData: (listener) => void fromAdapter.on('data', listener),
    log: () => log,
    logged,
    end: async () => {
      toAdapter.end();
      await ended;
    },
  };
}

// The stand-alone debug adapter: one session on stdin/stdout (`node dist/debug-adapter.js`,
// or `vdso-lab dap`), or with --server=PORT one session per TCP connection on 127.0.0.1.
// Frames go through transport.ts; a client that drops ends its session's guest. The log is
// stderr, whose lines are dropped once its reader is gone (toolchain/wire/log.ts).
import { createServer } from 'node:net';
import { VdsoDebugSession } from './session';
import { startDebugSession } from './transport';
import { stderrLog } from '../toolchain/wire/log';

const log = stderrLog();
const serverArg = process.argv.find((a) => a.startsWith('--server='));
if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  createServer((socket) => {
    const session = new VdsoDebugSession();
    session.setRunAsServer(true);
    startDebugSession(session, socket, socket, log, () => {
      log('vdso-lab dap: client gone; its session and guest ended');
      socket.destroy();
    });
  }).listen(port, '127.0.0.1');
} else {
  const session = new VdsoDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  startDebugSession(session, process.stdin, process.stdout, log, () => session.shutdown());
}

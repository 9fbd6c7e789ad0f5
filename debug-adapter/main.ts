// The stand-alone debug adapter: one session on stdin/stdout (`node dist/debug-adapter.js`,
// or `vdso-lab dap`), or with --server=PORT one session per TCP connection on 127.0.0.1.
import { createServer } from 'node:net';
import { VdsoDebugSession } from './session';

const serverArg = process.argv.find((a) => a.startsWith('--server='));
if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  createServer((socket) => {
    const session = new VdsoDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  }).listen(port, '127.0.0.1');
} else {
  const session = new VdsoDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

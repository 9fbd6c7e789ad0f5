// The stand-alone language server: `node dist/language-server.js --stdio` (or --node-ipc
// when VS Code starts it); `vdso-lab lsp --stdio` runs the same. On stdio the frames go
// through transport.ts first; the log is stderr, whose lines are dropped once its reader
// is gone (toolchain/wire/log.ts).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { checkedInput } from './transport';
import { stderrLog } from '../toolchain/wire/log';

const log = stderrLog();
startServer(process.argv.includes('--stdio') ? createConnection(ProposedFeatures.all, checkedInput(process.stdin, log), process.stdout) : createConnection(ProposedFeatures.all), log);

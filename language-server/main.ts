// The stand-alone language server: `node dist/language-server.js --stdio` (or --node-ipc
// when VS Code starts it); `vdso-lab lsp --stdio` runs the same.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));

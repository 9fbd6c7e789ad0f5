// Owns registering the editing helpers beyond navigation (hover, completion, inlay hints,
// code actions, code lenses, signature help, rename) on a session; each lives in its own module.
import type { ServerCapabilities } from 'vscode-languageserver';
import type { ServerContext } from './server';

export function registerEditorFeatures(_ctx: ServerContext): ServerCapabilities {
  return {};
}

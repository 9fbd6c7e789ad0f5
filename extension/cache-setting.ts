// Owns the extension's `vdsoLab.cacheFolder` setting: when it names a folder, it overrides
// the per-user cache folder (toolchain/cache.ts) for everything the extension runs in its
// own process (the debugger's --vdso host, the kernel package it fetches), by setting the
// variable that module reads; an empty setting leaves the default. Changes apply at once.
import * as vscode from 'vscode';
import { CACHE_ENV } from '../toolchain/cache';

const SECTION = 'vdsoLab';
const KEY = 'cacheFolder';

function apply(initial: string | undefined): void {
  const folder = vscode.workspace.getConfiguration(SECTION).get<string>(KEY, '').trim();
  if (folder) process.env[CACHE_ENV] = folder;
  else if (initial === undefined) delete process.env[CACHE_ENV];
  else process.env[CACHE_ENV] = initial;
}

export function registerCacheSetting(context: vscode.ExtensionContext): void {
  const initial = process.env[CACHE_ENV];
  apply(initial);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${KEY}`)) apply(initial);
    }),
  );
}

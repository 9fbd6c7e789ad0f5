// package.json's launch configuration for debug type `vdso` says what
// emulator/debug/launch-schema.ts says (the attributes, their values and defaults, the
// required ones, the initial configuration), and the values it allows are the kernel
// model's (toolchain/designs/options.ts): a change to either that the other lacks fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEBUG_TYPE, INITIAL_CONFIGURATIONS, KERNEL_DOCUMENT_LANGUAGE, LAUNCH_SCHEMA } from '../../emulator/debug/launch-schema';
import { CPU_MODELS, DEFAULT_ABI, DEFAULT_KERNEL, KERNEL_ABIS, KERNEL_KINDS } from '../../toolchain/designs/options';

interface Setting {
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly description?: string;
}

interface Debugger {
  readonly type: string;
  readonly configurationAttributes: { readonly launch: unknown };
  readonly initialConfigurations: readonly unknown[];
}

interface Contributes {
  readonly debuggers: Debugger[];
  readonly configuration?: { properties: Record<string, Setting> };
  readonly languages?: ReadonlyArray<{ id: string; mimetypes?: string[] }>;
  readonly grammars?: ReadonlyArray<{ language?: string; scopeName: string; path: string }>;
  readonly configurationDefaults?: Record<string, unknown>;
}

const manifest = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { contributes: Contributes };
const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === DEBUG_TYPE);

test('package.json configurationAttributes.launch is the launch schema module, attribute for attribute', () => {
  assert.ok(debuggerEntry, `package.json contributes a debugger of type ${DEBUG_TYPE}`);
  assert.deepEqual(debuggerEntry.configurationAttributes.launch, JSON.parse(JSON.stringify(LAUNCH_SCHEMA)));
});

test('package.json initialConfigurations are the module\'s initial configurations', () => {
  assert.deepEqual(debuggerEntry!.initialConfigurations, JSON.parse(JSON.stringify(INITIAL_CONFIGURATIONS)));
});

test('the schema allows exactly the kernel model\'s CPU models, kernel kinds and ABIs', () => {
  const properties = (debuggerEntry!.configurationAttributes.launch as { properties: Record<string, { enum?: string[]; description: string }> }).properties;
  assert.deepEqual(properties.cpu!.enum, [...CPU_MODELS]);
  assert.deepEqual(properties.kernel!.enum, [...KERNEL_KINDS]);
  assert.deepEqual(properties.abi!.enum, [...KERNEL_ABIS]);
  for (const design of KERNEL_ABIS) assert.ok(properties.vdso!.description.includes(design), `vdso's description names ${design}`);
});

test('the editor settings that name a kernel kind or an ABI allow exactly the kernel model\'s values, with its defaults', () => {
  const settings = manifest.contributes.configuration?.properties ?? {};
  const kernel = settings['vdsoLab.kernel'];
  const abi = settings['vdsoLab.abi'];
  assert.ok(kernel && abi, 'package.json has the vdsoLab.kernel and vdsoLab.abi settings');
  assert.deepEqual(kernel.enum, [...KERNEL_KINDS]);
  assert.equal(kernel.default, DEFAULT_KERNEL);
  assert.deepEqual(abi.enum, [...KERNEL_ABIS]);
  // No default: an unset vdsoLab.abi lets a design's own .S run with its design's ABI (VS Code
  // would send a default to the server as if the user had chosen it).
  assert.equal(abi.default, undefined);
  assert.ok(abi.description?.includes(DEFAULT_ABI), `vdsoLab.abi's description names the fallback ${DEFAULT_ABI}`);
});

test('package.json contributes the kernel document\'s language: its MIME type, its grammar (a file with that scope name), its lines wrapping', () => {
  const { id, mimeType, scopeName, editorDefaults } = KERNEL_DOCUMENT_LANGUAGE;
  const language = manifest.contributes.languages?.find((l) => l.id === id);
  assert.deepEqual(language?.mimetypes, [mimeType]);
  const grammar = manifest.contributes.grammars?.find((g) => g.language === id);
  assert.equal(grammar?.scopeName, scopeName);
  assert.equal((JSON.parse(readFileSync(resolve(grammar!.path), 'utf8')) as { scopeName: string }).scopeName, scopeName);
  assert.deepEqual(manifest.contributes.configurationDefaults?.[`[${id}]`], editorDefaults);
});

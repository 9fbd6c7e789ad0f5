// Owns what each directive does: #define/#undef, the conditional stack (#if, #ifdef, #ifndef,
// #elif, #elifdef, #elifndef, #else, #endif), #include/#include_next/#import with the search
// cpp uses, #line, #error/#warning, and the directives cpp reads but -E drops (#pragma,
// #ident, #sccs, #assert, #unassert). Messages use gcc's wording.

import type { SourceLocation } from '../module';
import type { Engine } from './engine';
import { MAX_INCLUDE_DEPTH } from './engine';
import { evaluateCondition } from './expression';
import { Lexer } from './lexer';
import { sameDefinition } from './macro';
import { PREV_WHITE, type Token } from './token';

export interface CondFrame {
  /** The last directive of the group ('if', 'ifdef', 'ifndef', 'elif', 'else'), for messages. */
  type: string;
  readonly wasSkipping: boolean;
  /** A group was taken (or the whole conditional is skipped): later groups are skipped. */
  skipElses: boolean;
  readonly loc: SourceLocation;
}

export const DIRECTIVES = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef',
  'else', 'endif', 'line', 'error', 'warning', 'pragma', 'ident', 'sccs', 'assert', 'unassert',
]);
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

export function runDirective(e: Engine, name: Token, hash: Token): void {
  const d = name.text;
  if (e.skipping && !CONDITIONALS.has(d)) return;
  switch (d) {
    case 'define': return doDefine(e);
    case 'undef': return doUndef(e);
    case 'include':
    case 'include_next':
    case 'import':
      return doInclude(e, d, hash);
    case 'if':
    case 'ifdef':
    case 'ifndef':
      return doIf(e, d, hash);
    case 'elif':
    case 'elifdef':
    case 'elifndef':
      return doElif(e, d, name);
    case 'else': return doElse(e, name);
    case 'endif': return doEndif(e, name);
    case 'line': return doLine(e, name);
    case 'error':
    case 'warning':
      return doDiagnostic(e, d, name);
    case 'pragma': return doPragma(e, name);
    default:
      return;
  }
}

/** The macro name after #define/#undef/#ifdef...; null (after an error) when there is none. */
function macroName(e: Engine, directive: string): Token | null {
  const t = e.directiveToken();
  if (t.kind === 'name') {
    if (t.text !== 'defined') return t;
    e.report(t.loc, 'error', '"defined" cannot be used as a macro name');
  } else if (t.kind === 'eof') e.report(t.loc, 'error', `no macro name given in #${directive} directive`);
  else e.report(t.loc, 'error', 'macro names must be identifiers');
  return null;
}

function doDefine(e: Engine): void {
  const name = macroName(e, 'define');
  if (!name) return;
  const macro = e.define(name, () => e.directiveToken());
  if (!macro) return;
  const old = e.macros.get(name.text);
  if (old && (old.builtin || !sameDefinition(old, macro))) e.report(name.loc, 'warning', `"${name.text}" redefined`);
  e.defineMacro(name.text, macro);
}

function doUndef(e: Engine): void {
  const name = macroName(e, 'undef');
  if (!name) return;
  const old = e.macros.get(name.text);
  if (old?.builtin) e.report(name.loc, 'warning', `undefining "${name.text}"`);
  e.undefineMacro(name.text);
  e.checkEol('undef');
}

function nonPadding(e: Engine): Token {
  for (;;) {
    const t = e.getToken();
    if (t.kind !== 'padding') return t;
  }
}

function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

function doInclude(e: Engine, d: string, hash: Token): void {
  e.file!.lexer.angledHeaders = true;
  const t = nonPadding(e);
  e.file!.lexer.angledHeaders = false;
  let name: string;
  let angled: boolean;
  if (t.kind === 'string' && t.text.startsWith('"')) {
    name = t.text.slice(1, -1);
    angled = false;
  } else if (t.kind === 'header') {
    name = t.text.slice(1, -1);
    angled = true;
  } else if (t.kind === 'punct' && t.text === '<') {
    name = '';
    angled = true;
    for (;;) {
      const u = e.getToken();
      if (u.kind === 'padding') continue;
      if (u.kind === 'eof') {
        e.report(t.loc, 'error', 'missing terminating > character');
        return;
      }
      if (u.kind === 'punct' && u.text === '>') break;
      if (name !== '' && u.flags & PREV_WHITE) name += ' ';
      name += u.text;
    }
  } else {
    e.report(t.loc, 'error', `#${d} expects "FILENAME" or <FILENAME>`);
    return;
  }
  e.checkEol(d);
  if (name === '') {
    e.report(t.loc, 'error', `empty filename in #${d}`);
    return;
  }
  if (e.files.length >= MAX_INCLUDE_DEPTH) {
    e.report(t.loc, 'error', `#include nested depth ${e.files.length} exceeds maximum of ${MAX_INCLUDE_DEPTH} (use -fmax-include-depth=DEPTH to increase the maximum)`);
    return;
  }
  const current = e.file!;
  const candidates: { path: string; dirIndex: number }[] = [];
  if (name.startsWith('/')) candidates.push({ path: name, dirIndex: -1 });
  else {
    let start = 0;
    let next = d === 'include_next';
    if (next && e.files.length === 1) {
      e.report(hash.loc, 'warning', '#include_next in primary source file');
      next = false;
    }
    if (next) start = current.dirIndex + 1;
    else if (!angled) {
      const slash = current.path.lastIndexOf('/');
      candidates.push({ path: joinPath(slash < 0 ? '' : current.path.slice(0, slash + 1), name), dirIndex: -1 });
    }
    for (let i = start; i < e.includeDirs.length; i++) candidates.push({ path: joinPath(e.includeDirs[i]!, name), dirIndex: i });
  }
  for (const c of candidates) {
    const text = e.readFile(c.path);
    if (text === undefined) continue;
    if (e.onceFiles.has(c.path)) return;
    if (d === 'import') e.onceFiles.add(c.path);
    const lexer = new Lexer(c.path, text, (loc, sev, msg) => e.report(loc, sev, msg));
    e.pendingInclude = { lexer, path: c.path, dirIndex: c.dirIndex, conds: [] };
    e.included.push({ path: c.path, name, location: t.loc });
    return;
  }
  e.report(t.loc, 'error', `${name}: No such file or directory`);
}

function pushCond(e: Engine, type: string, loc: SourceLocation, skip: boolean): void {
  e.file!.conds.push({ type, wasSkipping: e.skipping, skipElses: e.skipping || !skip, loc });
  e.skipping = skip;
}

function expressionValue(e: Engine, d: string): boolean {
  return evaluateCondition(d, {
    next: () => nonPadding(e),
    nextUnexpanded: () => {
      e.preventExpansion++;
      try {
        return nonPadding(e);
      } finally {
        e.preventExpansion--;
      }
    },
    isDefined: (n) => e.macros.has(n),
  }, (loc, sev, msg) => e.report(loc, sev, msg));
}

/** The #ifdef-style test: true when the group is to be read; undefined after an error. */
function definedTest(e: Engine, d: string): boolean | undefined {
  const n = macroName(e, d);
  if (!n) return undefined;
  e.checkEol(d);
  const defined = e.macros.has(n.text);
  return d.endsWith('ndef') ? !defined : defined;
}

function doIf(e: Engine, d: string, hash: Token): void {
  const loc = hash.loc;
  if (e.skipping) return pushCond(e, d, loc, true);
  const take = d === 'if' ? expressionValue(e, d) : definedTest(e, d) === true;
  pushCond(e, d, loc, !take);
}

function doElif(e: Engine, d: string, name: Token): void {
  const top = e.file!.conds[e.file!.conds.length - 1];
  if (!top) {
    e.report(name.loc, 'error', `#${d} without #if`);
    return;
  }
  if (top.type === 'else') e.report(name.loc, 'error', `#${d} after #else`);
  top.type = d;
  if (top.skipElses) {
    e.skipping = true;
    return;
  }
  e.skipping = false;
  const take = d === 'elif' ? expressionValue(e, d) : definedTest(e, d) === true;
  e.skipping = !take;
  top.skipElses = take;
}

function doElse(e: Engine, name: Token): void {
  const top = e.file!.conds[e.file!.conds.length - 1];
  if (!top) {
    e.report(name.loc, 'error', '#else without #if');
    return;
  }
  if (top.type === 'else') e.report(name.loc, 'error', '#else after #else');
  top.type = 'else';
  e.skipping = top.skipElses;
  top.skipElses = true;
  if (!top.wasSkipping) e.checkEol('else');
}

function doEndif(e: Engine, name: Token): void {
  const top = e.file!.conds[e.file!.conds.length - 1];
  if (!top) {
    e.report(name.loc, 'error', '#endif without #if');
    return;
  }
  if (!top.wasSkipping) e.checkEol('endif');
  e.skipping = top.wasSkipping;
  e.file!.conds.pop();
}

function doLine(e: Engine, name: Token): void {
  const t = nonPadding(e);
  if (t.kind !== 'number' || !/^\d+$/.test(t.text)) {
    e.report(t.kind === 'eof' ? name.loc : t.loc, 'error', `"${t.kind === 'eof' ? '' : t.text}" after #line is not a positive integer`);
    return;
  }
  const line = Number(t.text);
  const f = nonPadding(e);
  let file: string | undefined;
  if (f.kind === 'string' && f.text.startsWith('"')) {
    file = f.text.slice(1, -1).replace(/\\(.)/g, '$1');
    e.checkEol('line');
  } else if (f.kind !== 'eof') {
    e.report(f.loc, 'error', `invalid filename "${f.text}"`);
    return;
  }
  e.pendingLine = { line, file };
}

function doDiagnostic(e: Engine, d: 'error' | 'warning', name: Token): void {
  let text = '';
  for (let t = e.directiveToken(); t.kind !== 'eof'; t = e.directiveToken()) {
    if (text !== '' && t.flags & PREV_WHITE) text += ' ';
    text += t.text;
  }
  e.report(name.loc, d, `#${d} ${text}`);
}

function doPragma(e: Engine, name: Token): void {
  const t = e.directiveToken();
  if (t.kind === 'name' && t.text === 'once') {
    if (e.files.length === 1) e.report(t.loc, 'warning', '#pragma once in main file');
    e.onceFiles.add(e.file!.path);
    e.checkEol('pragma');
  }
  void name;
}

// Loaded with --require into the quick run's test processes (scripts/test-quick.mjs): stack
// traces through the out-quick/ bundles name the .ts lines, as --enable-source-maps would, but a
// bundle's source map is read only when a stack through it is formatted (a failure, mostly).
// --enable-source-maps read every bundle's map at its load and parsed all of it at the first
// test, since the test runner looks up each test's place in it: 0.4-0.9 s of CPU a group
// process (docs/speed-and-exactness.md, "The quick runner's own costs").
'use strict';
const { readFileSync } = require('node:fs');
const { SourceMap } = require('node:module');
const { dirname, resolve } = require('node:path');

/** Each bundle's parsed map, or null for a file without one (not a bundle of this run). */
const maps = new Map();

function mapOf(file) {
  if (!maps.has(file)) {
    let map = null;
    if (/\/out-quick\/.+\.js$/.test(file)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = null;
      }
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** Where a frame is in the source: its place and the name at it, or null outside the bundles. */
function sourceEntry(frame) {
  const file = frame.getFileName();
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  const map = typeof file === 'string' && line !== null && column !== null ? mapOf(file) : null;
  const entry = map?.findEntry(line - 1, column - 1);
  return entry?.originalSource === undefined ? null : { file, line, column, entry };
}

/**
 * A frame as V8 prints it, its place in a bundle replaced by the place in the source and its
 * function's name by the source's (the name at its caller's call, as --enable-source-maps does).
 */
function frameText(frame, caller) {
  let text = String(frame);
  const at = sourceEntry(frame);
  if (!at) return text;
  const place = `${at.file}:${at.line}:${at.column}`;
  const i = text.lastIndexOf(place);
  if (i < 0) return text;
  // esbuild names the sources relative to the map's folder.
  const source = resolve(dirname(at.file), at.entry.originalSource);
  text = `${text.slice(0, i)}${source}:${at.entry.originalLine + 1}:${at.entry.originalColumn + 1}${text.slice(i + place.length)}`;
  const name = frame.getFunctionName();
  const callerAt = caller && caller.getFileName() === at.file ? sourceEntry(caller) : null;
  const original = callerAt?.entry.name;
  return name && original && original !== name && text.startsWith(`${name} `) ? `${original}${text.slice(name.length)}` : text;
}

Error.prepareStackTrace = (error, frames) => {
  const head = error instanceof Error ? Error.prototype.toString.call(error) : String(error);
  return [head, ...frames.map((f, i) => `    at ${frameText(f, frames[i + 1])}`)].join('\n');
};

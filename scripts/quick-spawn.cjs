// `--require`d by the quick runner's test processes (scripts/test-quick.mjs): their
// `child_process.spawnSync` calls are made by a small helper process rather than by the test
// process itself. A fork copies the forking process's page tables and marks its private pages
// copy-on-write, so a test process with a few hundred MB of C heap paid for each tool it ran a
// page fault at its first write to each page afterwards: about a third of a group process's own
// faults (docs/speed-and-exactness.md, "Page faults of the test processes: forks from a small
// process"). The helper (this file run as a program) is a bare node, whose forks are cheap.
// Each call is answered with what spawnSync returned in the helper: the same child, pid,
// status, signal, output bytes and error; the caller's environment and folder go with each
// call. A call whose stdio the helper cannot give (a stream, a descriptor, 'inherit'), whose
// options JSON cannot carry, or made from a worker thread is made here as before, and so is one
// made while the main thread's allowed CPUs are not those it started with (bench/one-cpu.ts
// pins it so that the peers it starts inherit its CPU; the helpers were started before).
// Where the quick runner built its C spawner (scripts/quick-spawner.c, named by
// VDSO_LAB_QUICK_SPAWNER), the calls it can make as node does (scripts/quick-spawner-frames.cjs)
// go to it instead: a fork of a process of a few hundred KB costs a fraction of a bare node's.
'use strict';
const childProcess = require('node:child_process');
const { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const spawnerFrames = require('./quick-spawner-frames.cjs');

/** Writes `buffer` whole. */
function writeAll(fd, buffer) {
  for (let at = 0; at < buffer.length; ) at += writeSync(fd, buffer, at, buffer.length - at);
}

function readExactly(fd, length) {
  const buffer = Buffer.allocUnsafe(length);
  for (let at = 0; at < length; ) {
    const n = readSync(fd, buffer, at, length - at, null);
    if (n === 0) throw new Error('quick-spawn: the helper process ended');
    at += n;
  }
  return buffer;
}

/** A frame: a 4-byte length and a JSON header, then the byte strings the header lists the lengths of. */
function sendFrame(fd, header, parts) {
  const json = Buffer.from(JSON.stringify({ ...header, lengths: parts.map((p) => (p ? p.length : -1)) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  writeAll(fd, Buffer.concat([length, json, ...parts.filter(Boolean)]));
}

function readFrame(fd) {
  const header = JSON.parse(readExactly(fd, readExactly(fd, 4).readUInt32LE(0)).toString());
  const parts = header.lengths.map((n) => (n < 0 ? null : readExactly(fd, n)));
  return { header, parts };
}

const ERROR_FIELDS = ['code', 'errno', 'syscall', 'path', 'spawnargs', 'status', 'signal'];

function describeError(error) {
  const out = { name: error.name, message: error.message };
  for (const k of ERROR_FIELDS) if (error[k] !== undefined) out[k] = error[k];
  return out;
}

function rebuildError(described) {
  const Type = { TypeError, RangeError }[described.name] ?? Error;
  const error = new Type(described.message);
  for (const k of ERROR_FIELDS) if (described[k] !== undefined) error[k] = described[k];
  return error;
}

/** The helper: answers each call frame read from its stdin on its stdout until its parent closes its end. */
function serve() {
  for (;;) {
    let frame;
    try {
      frame = readFrame(0);
    } catch {
      return;
    }
    const { header, parts } = frame;
    const options = { ...header.options, encoding: 'buffer' };
    if (parts[0]) options.input = parts[0];
    let result;
    try {
      result = childProcess.spawnSync(header.file, header.args, options);
    } catch (thrown) {
      sendFrame(1, { thrown: describeError(thrown) }, []);
      continue;
    }
    const output = result.output ?? null;
    sendFrame(1, { pid: result.pid, status: result.status, signal: result.signal, hasOutput: output !== null, error: result.error && describeError(result.error) }, output ?? []);
  }
}

/** The stdio values the helper gives the same way: pipes and nothing. */
function plainStdio(stdio) {
  if (stdio === undefined || stdio === 'pipe' || stdio === 'ignore' || stdio === 'overlapped') return true;
  return Array.isArray(stdio) && stdio.length <= 3 && stdio.every((s) => s === undefined || s === null || s === 'pipe' || s === 'ignore' || s === 'overlapped');
}

/** The calling thread's allowed CPUs as /proc shows them, or null where it cannot be read (bench/one-cpu.ts `thisThreadCpus` reads them for the TypeScript side; this runner script loads no TypeScript). */
function threadCpus() {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/thread-self/status', 'latin1'))?.[1] ?? null;
  } catch {
    return null;
  }
}

function install() {
  const { isMainThread } = require('node:worker_threads');
  const original = childProcess.spawnSync;
  /** The CPUs the helpers inherit: the main thread's when this process started. */
  const startCpus = threadCpus();
  let helper = null;
  let spawner = null;

  /** A process running `command` whose stdin and stdout are FIFOs this process holds the other ends of, or null. */
  function start(command, args) {
    const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-spawn-'));
    try {
      const requests = join(dir, 'requests');
      const answers = join(dir, 'answers');
      if (original('mkfifo', [requests, answers]).status !== 0) return null;
      // The helper holds only the read end of the requests and the write end of the answers, so
      // each side reads an end of file when the other is gone. Opening a FIFO's read-write end
      // first keeps the one-way opens from waiting for the other side.
      const request = openSync(requests, 'r+');
      const helperRequests = openSync(requests, constants.O_RDONLY);
      const keepOpen = openSync(answers, 'r+');
      const answer = openSync(answers, constants.O_RDONLY);
      const helperAnswers = openSync(answers, constants.O_WRONLY);
      closeSync(keepOpen);
      const child = childProcess.spawn(command, args, { stdio: [helperRequests, helperAnswers, 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
      closeSync(helperRequests);
      closeSync(helperAnswers);
      child.unref();
      return { request, answer };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The C spawner's answer to a call it can make, or undefined. */
  function viaSpawner(file, args, options, env, cwd, inputBytes) {
    const program = process.env.VDSO_LAB_QUICK_SPAWNER;
    if (!program || spawner === false) return undefined;
    const frame = spawnerFrames.request(file, args, options, env, cwd, inputBytes);
    if (frame === null) return undefined;
    if (spawner === null) spawner = start(program, []) ?? false;
    if (!spawner) return undefined;
    writeAll(spawner.request, frame);
    const head = readExactly(spawner.answer, 16);
    const output = () => {
      const length = readExactly(spawner.answer, 4).readInt32LE(0);
      return length < 0 ? null : readExactly(spawner.answer, length);
    };
    const stdout = output();
    const stderr = output();
    return spawnerFrames.result(file, args, options, [0, 4, 8, 12].map((at) => head.readInt32LE(at)), stdout, stderr);
  }

  function viaHelper(file, args, options) {
    const input = options.input;
    const inputBytes = input == null ? null : typeof input === 'string' ? Buffer.from(input, Buffer.isEncoding(options.encoding) ? options.encoding : 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // spawnSync reads the environment's keys with for...in, inherited ones included.
    const env = {};
    for (const key in options.env ?? process.env) env[key] = (options.env ?? process.env)[key];
    const cwd = resolve(options.cwd ?? '.');
    const answered = viaSpawner(file, args, options, env, cwd, inputBytes);
    if (answered !== undefined) return answered;
    if (helper === null) helper = start(process.execPath, [__filename]) ?? false;
    if (!helper) return original(file, args, options);
    const sent = { ...options, input: undefined, cwd, env };
    sendFrame(helper.request, { file, args, options: sent }, [inputBytes]);
    const { header, parts } = readFrame(helper.answer);
    if (header.thrown) throw rebuildError(header.thrown);
    const encoding = options.encoding && options.encoding !== 'buffer' ? options.encoding : null;
    const output = header.hasOutput ? parts.map((p) => (p && encoding ? p.toString(encoding) : p)) : null;
    // The fields in the order spawnSync gives them.
    return { ...(header.error ? { error: rebuildError(header.error) } : {}), status: header.status, signal: header.signal, output, pid: header.pid, stdout: output && output[1], stderr: output && output[2] };
  }

  childProcess.spawnSync = function spawnSync(file, args, options) {
    if (args == null) args = [];
    else if (!Array.isArray(args)) {
      options = args;
      args = [];
    }
    options = options ?? {};
    const carried = (typeof options.input !== 'object' || options.input === null || ArrayBuffer.isView(options.input)) && (options.cwd === undefined || typeof options.cwd === 'string') && [options.maxBuffer, options.timeout].every((n) => typeof n !== 'number' || Number.isFinite(n));
    if (!isMainThread || typeof file !== 'string' || !plainStdio(options.stdio) || !carried || threadCpus() !== startCpus) return original.call(this, file, args, options);
    return viaHelper(file, args, options);
  };
}

if (require.main === module) serve();
else install();

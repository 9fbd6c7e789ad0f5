// The test processes' side of the quick runner's C spawner (scripts/quick-spawner.c, whose header
// gives the frames): which spawnSync calls it can make exactly as node would, the request for
// one, and the answer turned into what spawnSync returns (the same fields in the same order,
// the same error for a start that failed, a timeout or too much output).
'use strict';
const { constants } = require('node:os');

/** The options the spawner gives as node does; a call with any other goes the other ways. */
const CARRIED = new Set(['cwd', 'env', 'input', 'encoding', 'stdio', 'maxBuffer', 'timeout', 'killSignal', 'windowsHide']);
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));
/** spawnSync's default maxBuffer (node's child_process). */
const DEFAULT_MAX_BUFFER = 1024 * 1024;

const plainString = (s) => typeof s === 'string' && !s.includes('\0');

/** Each stdio's mode: 'pipe' or 'ignore' (quick-spawn.cjs has checked that they are one of those or alike). */
function stdioModes(stdio) {
  const list = Array.isArray(stdio) ? stdio : [stdio, stdio, stdio];
  return [0, 1, 2].map((k) => (list[k] === 'ignore' ? 'ignore' : 'pipe'));
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function str(s) {
  const bytes = Buffer.from(s);
  return [u32(bytes.length), bytes];
}

/**
 * The request frame for spawnSync(file, args, options) (options already filled in with the
 * environment and the folder), or null where the spawner cannot make the call as node would.
 */
function request(file, args, options, env, cwd, inputBytes) {
  if (!Object.keys(options).every((k) => CARRIED.has(k) && (k !== 'encoding' || options[k] == null || Buffer.isEncoding(options[k]) || options[k] === 'buffer'))) return null;
  if (!plainString(file) || !args.every(plainString) || !plainString(cwd)) return null;
  const pairs = [];
  for (const key in env) {
    const value = env[key];
    if (value === undefined) continue;
    const pair = `${key}=${value}`;
    if (!plainString(pair)) return null;
    pairs.push(pair);
  }
  const { timeout, killSignal = 'SIGTERM', maxBuffer = DEFAULT_MAX_BUFFER } = options;
  if (timeout != null && !(Number.isInteger(timeout) && timeout >= 0 && timeout < 2 ** 31)) return null;
  const signal = typeof killSignal === 'number' ? killSignal : constants.signals[killSignal];
  if (!Number.isInteger(signal) || !SIGNAL_NAMES.has(signal)) return null;
  if (typeof maxBuffer !== 'number' || !(maxBuffer >= 0)) return null;
  const ignored = stdioModes(options.stdio).reduce((bits, mode, k) => (mode === 'ignore' ? bits | (1 << k) : bits), 0);
  const argv = [file, file, ...args];
  const input = Buffer.alloc(4);
  input.writeInt32LE(inputBytes === null ? -1 : inputBytes.length);
  const tail = Buffer.alloc(16);
  tail.writeUInt32LE(timeout ?? 0, 0);
  tail.writeUInt32LE(signal, 4);
  tail.writeDoubleLE(maxBuffer === Infinity ? 0 : maxBuffer, 8);
  return Buffer.concat([
    u32(argv.length), ...argv.flatMap(str),
    u32(pairs.length), ...pairs.flatMap(str),
    ...str(cwd), u32(ignored), input, ...(inputBytes ? [inputBytes] : []), tail,
  ]);
}

/** The error node's spawnSync gives for `errno` (a positive number) on `file` and `args`. */
function spawnError(errno, file, args) {
  const code = require('node:util').getSystemErrorName(-errno);
  const error = new Error(`spawnSync ${file} ${code}`);
  return Object.assign(error, { errno: -errno, code, syscall: `spawnSync ${file}`, path: file, spawnargs: [...args] });
}

/** What spawnSync returns, from the answer's head (pid, status, signal, errno) and its two outputs. */
function result(file, args, options, head, stdout, stderr) {
  const [pid, status, signal, errno] = head;
  const error = errno === 0 ? {} : { error: spawnError(errno, file, args) };
  if (pid === 0) return { ...error, status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
  const encoding = options.encoding && options.encoding !== 'buffer' ? options.encoding : null;
  const decoded = (bytes) => (bytes === null ? null : encoding ? bytes.toString(encoding) : bytes);
  const output = [null, decoded(stdout), decoded(stderr)];
  return { ...error, status: status < 0 ? null : status, signal: signal === 0 ? null : SIGNAL_NAMES.get(signal) ?? null, output, pid, stdout: output[1], stderr: output[2] };
}

module.exports = { request, result };

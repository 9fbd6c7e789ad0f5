// The quick runner's process group (scripts/process-group.mjs): a command run through it that
// dies of a closed stdout (as `node --test` does under `npm run test:quick | head`) or is ended
// by Ctrl-C leaves none of the processes it started behind. The command here stands in for
// `node --test`: it starts two children that would run forever, prints their pids, and writes
// to its stdout until a write fails, which ends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const RUNNER = String.raw`
const { spawn } = require('node:child_process');
const kids = [0, 1].map(() => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' }));
const write = (error) => {
  if (error) throw error;
  process.stdout.write('a line of test output\n', write);
};
process.stdout.write('pids ' + kids.map((k) => k.pid).join(' ') + '\n', write);
`;

/** The run (scripts/process-group.mjs over RUNNER) and the pids of the children RUNNER started, from its first line. */
async function started(): Promise<{ group: ChildProcess; pids: number[]; exited: Promise<number | null> }> {
  const group = spawn(process.execPath, [resolve('scripts/process-group.mjs'), process.execPath, '-e', RUNNER], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((done) => group.on('exit', (code) => done(code)));
  let text = '';
  const line = await new Promise<string>((done, fail) => {
    group.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      const end = text.indexOf('\n');
      if (end >= 0) done(text.slice(0, end));
    });
    group.on('exit', () => fail(new Error(`the run ended before its first line (${JSON.stringify(text)})`)));
  });
  const pids = /^pids (\d+) (\d+)$/.exec(line)!.slice(1).map(Number);
  return { group, pids, exited };
}

/** Whether `pid` is gone: no such process, a zombie, or SIGKILL pending (it dies at its next turn on a core). */
function gone(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true;
  }
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  const sigkill = 1n << 8n;
  return field('State').startsWith('Z') || [field('SigPnd'), field('ShdPnd')].some((mask) => (BigInt(`0x${mask || '0'}`) & sigkill) !== 0n);
}

/** Ends what a failing run left (by pid: RUNNER's children, and RUNNER through its stdout). */
function cleanUp(group: ChildProcess, pids: readonly number[]): void {
  group.stdout!.destroy();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

test('a closed stdout ends the command run as a group and every process it started', async () => {
  const { group, pids, exited } = await started();
  try {
    group.stdout!.destroy();
    await exited;
    for (const pid of pids) assert.ok(gone(pid), `process ${pid} outlived the run`);
  } finally {
    cleanUp(group, pids);
  }
});

test('Ctrl-C (SIGINT to the runner) ends the group; the runner exits as killed by SIGINT', async () => {
  const { group, pids, exited } = await started();
  try {
    group.stdout!.resume();
    group.kill('SIGINT');
    assert.equal(await exited, 130);
    for (const pid of pids) assert.ok(gone(pid), `process ${pid} outlived the run`);
  } finally {
    cleanUp(group, pids);
  }
});

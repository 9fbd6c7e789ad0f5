// Shared by the acceptance tests of the kernel model (issue 5): C programs built once with
// gcc -m32 -static -O2, run under `vdso-lab run` (runCli, in memory, from the repository
// root) and under qemu-i386 (the
// oracle on every machine; where the host executes i386 programs, natively too), and the facts the oracles give about the
// real vDSO image: its dynamic symbols (readelf), the image the kernel patches for a CPU
// (`vdso-lab alternatives --json`) and that image's instructions (objdump -D -b binary).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { buildC, run, scratch } from '../support/oracles';
import { realVdso, repoRoot } from '../support/real-vdso';
import { qemuMissing, runLab, shellStatus, type RunOutput } from '../support/run-program';

export { runLab, runQemu, type RunOutput } from '../support/run-program';

/**
 * The line `vdso-lab run --vdso host` prints to say which vDSO it used: the running kernel's
 * (captured), or, where this host cannot run i386 programs, the distribution kernel's.
 */
export const HOST_LINE = /^(?:vdso-lab: fetching [^\n]*\n)?vdso-lab run: --vdso host: (?:the running kernel's vDSO \(captured by the i386 capture program\)|cannot capture the running kernel's vDSO \(this host cannot run i386 programs[^\n]*; using the distribution kernel's, \S*vdso32-[^\n]*\.so instead)\n/;

const built = new Map<string, string>();
let dir: string | undefined;

/** gcc -m32 -static -O2 (once per source per test process); returns the program's path. */
export function program(name: string, source: string): string {
  const key = `${name}\n${source}`;
  const have = built.get(key);
  if (have) return have;
  dir ??= scratch('vdso-lab-acceptance-');
  const path = buildC(name, source, ['-static', '-O2', '-w'], dir);
  built.set(key, path);
  return path;
}

/** A file in this test process's scratch folder. */
export function scratchFile(name: string, content: string | Uint8Array): string {
  dir ??= scratch('vdso-lab-acceptance-');
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** runLab with the real vDSO every machine has: the distribution kernel's image (real-vdso.ts), not yet patched. */
export async function runReal(prog: string, options: readonly string[], args: readonly string[] = []): Promise<RunOutput> {
  return runLab(prog, ['--vdso', realVdso().path, ...options], args);
}

/**
 * The JSON lines `vdso-lab run --trace ... --json` writes to stderr: one object per system
 * call as it happens, then the run's summary (the object with `program`).
 */
export function jsonTrace<Line>(stderr: string): { summary: { status: number; outcome: string }; syscalls: Line[] } {
  const objects = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = objects.find((o) => 'program' in o) as { status: number; outcome: string } | undefined;
  if (!summary) throw new Error(`no --json summary line in the trace: ${stderr.slice(-400)}`);
  return { summary, syscalls: objects.filter((o) => 'nr' in o) as Line[] };
}

/** Runs natively (only where hostRunsI386()) with an empty environment; the shell's status (128+signal when killed). */
export function runNative(prog: string, args: readonly string[] = []): RunOutput {
  const r = spawnSync(prog, [...args], { env: {}, input: '', encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: shellStatus(r.status, r.signal) };
}

/**
 * The forms whose native result a hypervisor makes its own (docs/kernel-facts.md §15): under
 * KVM on AMD, sysexit at CPL 3 is KVM's emulation (#GP, SIGSEGV) where the processor gives #UD,
 * and int1 may come back with eip at it instead of after it. Where the host runs under a
 * hypervisor (cpuinfo's `hypervisor` flag) their lines are not compared with it.
 */
export const HYPERVISOR_FORMS: readonly string[] = ['sysexit', 'int1'];

/** True when this host runs under a hypervisor (its processor's native answers may be the hypervisor's). */
export function hostVirtualized(): boolean {
  return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
}

/** The emulator's CPU model of this host's processor, for a vDSO the running kernel already patched. */
export function hostCpuModel(): 'intel' | 'amd' {
  return /AuthenticAMD|HygonGenuine/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'amd' : 'intel';
}

/** Runs under qemu-i386 with stdin a pipe that gets `late` once the guest has written `cue` to stderr, and is then closed. */
export function runQemuLateStdin(prog: string, late: string, cue: string): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-i386', [prog], { env: {}, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t; });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      if (!child.stdin.writableEnded && stderr.includes(cue)) child.stdin.end(late);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => { clearTimeout(killer); reject(qemuMissing(e)); });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ stdout, stderr, status: shellStatus(code, signal) });
    });
  });
}

/** Lines the programs print only where a vDSO is mapped ("vdso: ..."): qemu-i386 maps none. */
export function withoutVdsoLines(text: string): string {
  return text.split('\n').filter((l) => !l.startsWith('vdso: ')).join('\n');
}

export function vdsoLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('vdso: ')).map((l) => l.slice('vdso: '.length));
}

/** A dynamic symbol of the real vDSO as readelf prints it: value and size. */
export function vdsoSymbol(name: string): { value: number; size: number } {
  const out = run('readelf', ['-W', '--dyn-syms', realVdso().path]);
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 8 && f[7]!.replace(/@.*$/, '') === name) return { value: parseInt(f[1]!, 16), size: Number(f[2]) };
  }
  throw new Error(`readelf --dyn-syms: no ${name} in ${realVdso().path}`);
}

/** The real vDSO as the kernel patches it for `cpu`/compat64: the file's bytes with the patches `vdso-lab alternatives --json` lists. */
export async function patchedVdso(cpu: string): Promise<string> {
  const { path, bytes } = realVdso();
  const io = { stdout: '', stderr: '', cwd: repoRoot(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  const status = await runCli(['alternatives', path, '--cpu', cpu, '--kernel', 'compat64', '--json'], io);
  if (status !== 0) throw new Error(`vdso-lab alternatives failed: ${io.stderr}`);
  const result = JSON.parse(io.stdout) as { patches: { address: number; after: string }[] };
  const image = new Uint8Array(bytes);
  // The vDSO is linked at 0 with its text at file offset = address (one PT_LOAD from offset 0).
  for (const p of result.patches) image.set(p.after.split(' ').map((h) => parseInt(h, 16)), p.address);
  return scratchFile(`vdso32-${cpu}.so`, image);
}

export interface Instruction {
  readonly address: number;
  readonly text: string;
}

/** objdump -D -b binary -m i386 of [start, stop) of a raw image file. */
export function objdumpRange(file: string, start: number, stop: number): Instruction[] {
  const out = run('objdump', ['-D', '-b', 'binary', '-m', 'i386', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, file]);
  const found: Instruction[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$/.exec(line);
    if (m) found.push({ address: parseInt(m[1]!, 16), text: m[2]!.trim() });
  }
  return found;
}

// Owns how a system call is shown: its arguments formatted from the row's kinds at entry
// (strings read from guest memory then), and one trace line per call with the result
// (errno named), the entering instruction and address, and the exit path with its reason.
import type { SyscallRecord } from './seams';
import { errnoName, signalName } from './linux-abi';
import { siginfoText } from './signals/deliver';
import { signalForFault } from './signals/faults';
import type { Fault } from '../x86/stop';
import type { Process } from './process';
import { readCString } from './syscalls/table';
import { ptraceAddrText, ptraceDataText, requestName } from './ptrace/abi';

const SHOWN_STRING = 64;

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** The arguments as the trace shows them; `kinds` is the row's argument string. */
export function formatArgs(p: Process, kinds: string, args: readonly number[]): string[] {
  return args.map((v, i) => {
    switch (kinds[i]) {
      case 'i':
      case 'f':
        return String(v | 0);
      case 'u':
        return String(v >>> 0);
      case 'o':
        return '0' + (v >>> 0).toString(8);
      case 'P':
        return requestName(v);
      case 'A':
        return ptraceAddrText(args[0]!, v);
      case 'D':
        return ptraceDataText(args[0]!, v);
      case 's': {
        const s = readCString(p, v, 4096);
        if (typeof s === 'number') return hex(v);
        return JSON.stringify(s.length > SHOWN_STRING ? s.slice(0, SHOWN_STRING) + '...' : s);
      }
      default:
        return hex(v);
    }
  });
}

export function formatResult(result: number | undefined): string {
  if (result === undefined) return '?';
  const name = errnoName(result);
  if (name) return `-1 ${name} (${-result})`;
  return result > 0xffff || result < -0xffff ? hex(result) : String(result);
}

export function entryText(r: SyscallRecord): string {
  const via = r.entry.via === 'int' ? 'int $0x80' : r.entry.via;
  return `${via} at ${hex(r.entry.address)}`;
}

/** The "= ..." part: the result with its errno named, or the eax a sigreturn restored. */
function resultText(r: SyscallRecord): string {
  if (r.restoredAx !== undefined) return `? (context restored, eax ${hex(r.restoredAx)})`;
  return formatResult(r.result);
}

/** One line: "[icount] name(args) = result  <int $0x80 at 0x...; iret: reason>". */
export function formatRecord(r: SyscallRecord, shownArgs: readonly string[]): string {
  const exit = r.exit ? `; ${r.exit.path}: ${r.exit.reason}` : '';
  const clobbered = r.exit && r.exit.clobbered.length ? ` (clobbered ${r.exit.clobbered.map((c) => `${c.register}=${hex(c.value)}`).join(' ')})` : '';
  const failed = r.entry.fetchFailed ? [`${r.entry.fetchFailed.what} from ${hex(r.entry.fetchFailed.address)} faulted: the call did not run`] : [];
  const parts = [...r.entry.fetched.map((f) => `${f.what}=${hex(f.value)} from ${hex(f.address)}`), ...failed];
  const fetched = parts.length ? ` (fetched ${parts.join(', ')})` : '';
  const task = r.tid !== undefined ? `[pid ${r.tid}] ` : '';
  return `${task}[${r.icount}] ${r.nr} ${r.name}(${shownArgs.join(', ')}) = ${resultText(r)}  <${entryText(r)}${fetched}${exit}${clobbered}>`;
}

const VECTOR_NAMES: Readonly<Record<Fault['vector'], string>> = {
  UD: 'invalid opcode', NP: 'segment not present', GP: 'general protection', PF: 'page fault', DE: 'divide error', DB: 'debug trap', BP: 'breakpoint', OF: 'overflow', BR: 'bound range',
  MF: 'x87 floating-point error',
};

/** One line for a fault or trap: "[icount] --- #PF (page fault) at 0x...: SIGSEGV (si_addr 0x..., SEGV_MAPERR) ---". */
export function formatFault(icount: number, fault: Fault, address: number, ip: number): string {
  const q = signalForFault(fault, ip);
  return `[${icount}] --- #${fault.vector} (${VECTOR_NAMES[fault.vector]}) at ${hex(address)}: ${signalName(q.info.signo)} (${siginfoText(q)}) ---`;
}

/** The fault line as plain JSON data (--json). */
export function faultJson(icount: number, fault: Fault, address: number, ip: number): object {
  const q = signalForFault(fault, ip);
  return { icount, fault: fault.vector, address, signal: signalName(q.info.signo), code: q.info.code, addr: q.info.addr ?? null };
}

/** The record as plain JSON data (--json). */
export function recordJson(r: SyscallRecord, shownArgs: readonly string[]): object {
  return {
    ...(r.tid !== undefined ? { tid: r.tid } : {}),
    icount: r.icount,
    nr: r.nr,
    name: r.name,
    args: r.args.map((a) => a >>> 0),
    shown: shownArgs,
    result: r.result ?? null,
    errno: r.result === undefined ? null : errnoName(r.result) ?? null,
    ...(r.restoredAx !== undefined ? { restoredAx: r.restoredAx } : {}),
    entry: { via: r.entry.via, address: r.entry.address, fetched: r.entry.fetched },
    exit: r.exit ? { path: r.exit.path, reason: r.exit.reason, clobbered: r.exit.clobbered } : null,
  };
}

// Owns the system call table: every area's rows (fs, mm, proc, ldt, time, the entry
// helper's signal rows, clone/execve, wait, pipes, sched/prctl, ptrace) indexed by number, checked once for
// duplicates. Dispatch and the trace both read it, so a call's handler and its trace format
// cannot drift apart.
import { cloneRows } from './clone';
import { fsRows } from './fs';
import { mmRows } from './mm';
import { procRows } from './proc';
import { ldtRows } from './ldt';
import { signalRows } from './signal';
import type { SyscallRow } from './table';
import { timeRows } from './time';
import { pipeRows } from './pipe';
import { waitRows } from './wait';
import { schedRows } from './sched';
import { ptraceRows } from '../ptrace/request';

export function buildTable(rows: readonly SyscallRow[]): ReadonlyMap<number, SyscallRow> {
  const table = new Map<number, SyscallRow>();
  for (const r of rows) {
    if (table.has(r.nr)) throw new Error(`system call ${r.nr} (${r.name}) has two rows`);
    table.set(r.nr, r);
  }
  return table;
}

export const SYSCALL_TABLE: ReadonlyMap<number, SyscallRow> = buildTable([...fsRows, ...mmRows, ...procRows, ...ldtRows, ...timeRows, ...signalRows, ...cloneRows, ...waitRows, ...pipeRows, ...schedRows, ...ptraceRows]);

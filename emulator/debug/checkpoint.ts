// Owns checkpoints of a whole emulated machine for reverse execution: everything reachable
// from the run loop (every task's registers and FPU, the kernel model's state: memory maps,
// fd tables and file offsets, signals, timers, the virtual clock, pids, parked system calls,
// the side tables of emulator/kernel/side-tables.ts) is recorded field by field, and put
// back into the SAME objects on restore, so closures and references that point at them stay
// right. Address spaces are shared copy-on-write (Memory.checkpointPages); decoded code
// stays valid except on pages that changed. What belongs to the debugger is not state of
// the machine and is kept: instruction breakpoints, the watchpoint, host file handles
// (keepAsIs), functions.
import { Memory, type PageCheckpoint } from '../memory/memory';
import { Cpu } from '../x86/cpu';
import { SIDE_TABLES } from '../kernel/side-tables';
import { sameBytes } from './same-bytes';

type Obj = Record<string | symbol, unknown>;

type Entry =
  | { readonly kind: 'object'; readonly obj: Obj; readonly keys: string[]; readonly values: unknown[] }
  | { readonly kind: 'array'; readonly obj: unknown[]; readonly items: unknown[] }
  | { readonly kind: 'map'; readonly obj: Map<unknown, unknown>; readonly items: Array<[unknown, unknown]> }
  | { readonly kind: 'set'; readonly obj: Set<unknown>; readonly items: unknown[] }
  | { readonly kind: 'bytes'; readonly obj: Uint8Array; readonly copy: Uint8Array }
  | { readonly kind: 'memory'; readonly obj: Memory; readonly pages: PageCheckpoint }
  | { readonly kind: 'cpu'; readonly obj: Cpu };

/** A side table's entry for one object at checkpoint time. */
interface SideEntry {
  readonly table: WeakMap<object, unknown>;
  readonly key: object;
  readonly value: unknown;
}

const opaque = new WeakSet<object>();

/** `o` is not machine state (a host file handle): checkpoints keep the reference and never look inside. */
export function keepAsIs<T extends object>(o: T): T {
  opaque.add(o);
  return o;
}

/** Built-in objects whose inside is not reachable as fields: kept as they are. */
const BUILTIN_OPAQUE: ReadonlyArray<abstract new (...args: never[]) => unknown> = [WeakMap, WeakSet, Promise, Date, RegExp, ArrayBuffer, TextDecoder, TextEncoder, Error];

function isOpaque(o: object): boolean {
  if (opaque.has(o)) return true;
  for (const c of BUILTIN_OPAQUE) if (o instanceof c) return true;
  return false;
}

/** The bytes a typed array covers (any element type), as one view. */
function bytesOf(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export class MachineCheckpoint {
  private released = false;

  private constructor(
    private readonly entries: readonly Entry[],
    private readonly side: readonly SideEntry[],
    /** Every object looked at: its side-table entries made later are removed on restore. */
    private readonly visited: readonly object[],
    /** Objects recorded (the statistics the bench and the tests read). */
    readonly objects: number,
    /** Bytes of typed arrays copied (pages of guest memory are shared, not counted). */
    readonly bytes: number,
  ) {}

  /**
   * Records everything reachable from `roots`. `previous` (an earlier checkpoint of the same
   * machine) lets an unchanged typed array share its copy.
   */
  static take(roots: readonly object[], previous?: MachineCheckpoint): MachineCheckpoint {
    const before = new Map<object, Uint8Array>();
    if (previous) for (const e of previous.entries) if (e.kind === 'bytes') before.set(e.obj, e.copy);
    const entries: Entry[] = [];
    const side: SideEntry[] = [];
    const seen = new Set<object>();
    const todo: unknown[] = [...roots];
    let bytes = 0;
    const visit = (v: unknown): void => {
      if (typeof v === 'object' && v !== null && !seen.has(v)) todo.push(v);
    };
    while (todo.length) {
      const o = todo.pop() as object;
      if (seen.has(o)) continue;
      seen.add(o);
      if (isOpaque(o)) continue;
      for (const table of SIDE_TABLES) {
        if (!table.has(o)) continue;
        const value = table.get(o);
        side.push({ table, key: o, value });
        visit(value);
      }
      if (o instanceof Memory) {
        entries.push({ kind: 'memory', obj: o, pages: o.checkpointPages() });
        continue;
      }
      if (o instanceof Cpu) {
        entries.push({ kind: 'cpu', obj: o });
        visit(o.state);
        visit(o.helpers);
        continue;
      }
      if (ArrayBuffer.isView(o)) {
        const now = bytesOf(o);
        const old = before.get(o);
        const copy = old && sameBytes(old, now) ? old : now.slice();
        if (copy !== old) bytes += copy.length;
        entries.push({ kind: 'bytes', obj: now, copy });
        continue;
      }
      if (Array.isArray(o)) {
        const items = o.slice();
        // A frozen array (the kernel model's shared empty lists) cannot have changed, as a frozen object.
        if (!Object.isFrozen(o)) entries.push({ kind: 'array', obj: o, items });
        for (const x of items) visit(x);
        continue;
      }
      if (o instanceof Map) {
        const items = [...o.entries()];
        entries.push({ kind: 'map', obj: o, items });
        for (const [k, x] of items) {
          visit(k);
          visit(x);
        }
        continue;
      }
      if (o instanceof Set) {
        const items = [...o];
        entries.push({ kind: 'set', obj: o, items });
        for (const x of items) visit(x);
        continue;
      }
      const obj = o as Obj;
      const keys = Object.keys(obj);
      const values = keys.map((k) => obj[k]);
      if (!Object.isFrozen(obj)) entries.push({ kind: 'object', obj, keys, values });
      for (const x of values) visit(x);
    }
    return new MachineCheckpoint(entries, side, [...seen], seen.size, bytes);
  }

  /** Puts every recorded object back as it was; the checkpoint stays usable. */
  restore(): void {
    if (this.released) throw new Error('internal: restoring a released checkpoint');
    for (const e of this.entries) {
      switch (e.kind) {
        case 'object': {
          const { obj, keys, values } = e;
          if (Object.keys(obj).length !== keys.length) for (const k of Object.keys(obj)) if (!keys.includes(k)) delete obj[k];
          for (let i = 0; i < keys.length; i++) if (obj[keys[i]!] !== values[i]) obj[keys[i]!] = values[i];
          break;
        }
        case 'array':
          e.obj.length = 0;
          for (const x of e.items) e.obj.push(x);
          break;
        case 'map':
          e.obj.clear();
          for (const [k, x] of e.items) e.obj.set(k, x);
          break;
        case 'set':
          e.obj.clear();
          for (const x of e.items) e.obj.add(x);
          break;
        case 'bytes':
          e.obj.set(e.copy);
          break;
        case 'memory':
          e.obj.restorePages(e.pages);
          break;
        case 'cpu':
          break;
      }
    }
    for (const table of SIDE_TABLES) for (const o of this.visited) table.delete(o);
    for (const s of this.side) s.table.set(s.key, s.value);
    for (const e of this.entries) if (e.kind === 'cpu') e.obj.restored();
  }

  /** Gives back the shared pages; the checkpoint cannot be restored after this. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const e of this.entries) if (e.kind === 'memory') Memory.releasePages(e.pages);
  }
}

// Owns the debugger's code breakpoints: instruction breakpoints (addresses), function
// breakpoints (symbols of the program and the vDSO), source-line breakpoints (addresses
// from a line table) and the temporary ones step-over and step-out set; their union is what
// the CPU's breakpoint set holds. A hit is told apart by kind, for the stop reason.
import type { Cpu } from '../x86/cpu';
import type { SymbolIndex } from './symbols';
import type { BreakpointResult, StopReason } from './types';

type Kind = 'instruction' | 'function' | 'line';

interface CodeBreakpoint {
  readonly id: number;
  readonly kind: Kind;
  readonly address: number;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

export class BreakpointTable {
  private nextId = 1;
  private readonly byKind = new Map<Kind, CodeBreakpoint[]>([['instruction', []], ['function', []], ['line', []]]);
  private readonly temporary = new Set<number>();

  constructor(private cpu: Cpu) {}

  /** Moves every breakpoint to another CPU (a replay of the same program for reverse execution). */
  rebind(cpu: Cpu): void {
    this.cpu = cpu;
    this.sync();
  }

  newId(): number {
    return this.nextId++;
  }

  /** Replaces the instruction breakpoints. */
  setInstructions(addresses: readonly number[]): BreakpointResult[] {
    const list = addresses.map((a) => ({ id: this.newId(), kind: 'instruction' as const, address: a >>> 0 }));
    this.byKind.set('instruction', list);
    this.sync();
    return list.map((b) => ({ id: b.id, verified: true, address: b.address }));
  }

  /** Replaces the function breakpoints; a name no symbol has is unverified with a message. */
  setFunctions(names: readonly string[], symbols: SymbolIndex): BreakpointResult[] {
    const list: CodeBreakpoint[] = [];
    const results = names.map((name): BreakpointResult => {
      const id = this.newId();
      const found = symbols.lookup(name);
      if (!found) return { id, verified: false, message: `no symbol '${name.slice(0, 100)}' in the program or the vDSO` };
      list.push({ id, kind: 'function', address: found.address });
      return { id, verified: true, address: found.address, message: `${name} at ${hex(found.address)} in ${found.image}` };
    });
    this.byKind.set('function', list);
    this.sync();
    return results;
  }

  /** Replaces the line breakpoints of one source file with resolved addresses (undefined: no code on that line). */
  setLines(resolved: ReadonlyArray<{ readonly address: number | undefined; readonly message?: string }>, previous: readonly number[]): BreakpointResult[] {
    const keep = (this.byKind.get('line') ?? []).filter((b) => !previous.includes(b.id));
    const results = resolved.map((r): BreakpointResult => {
      const id = this.newId();
      if (r.address === undefined) return { id, verified: false, message: r.message ?? 'no code on this line' };
      keep.push({ id, kind: 'line', address: r.address });
      return { id, verified: true, address: r.address };
    });
    this.byKind.set('line', keep);
    this.sync();
    return results;
  }

  addTemporary(address: number): void {
    this.temporary.add(address >>> 0);
    this.sync();
  }

  clearTemporary(): void {
    if (this.temporary.size === 0) return;
    this.temporary.clear();
    this.sync();
  }

  /** The user breakpoints at `address`: the stop reason (instruction before function before line) and their ids. */
  hitAt(address: number): { readonly reason: StopReason; readonly ids: number[] } | undefined {
    const order: Array<[Kind, StopReason]> = [['instruction', 'instruction-breakpoint'], ['function', 'function-breakpoint'], ['line', 'breakpoint']];
    let reason: StopReason | undefined;
    const ids: number[] = [];
    for (const [kind, r] of order) {
      for (const b of this.byKind.get(kind)!) {
        if (b.address !== address >>> 0) continue;
        reason ??= r;
        ids.push(b.id);
      }
    }
    return reason ? { reason, ids } : undefined;
  }

  private sync(): void {
    const want = new Set<number>(this.temporary);
    for (const list of this.byKind.values()) for (const b of list) want.add(b.address);
    const have = new Set(this.cpu.listBreakpoints());
    for (const a of have) if (!want.has(a)) this.cpu.clearBreakpoint(a);
    for (const a of want) if (!have.has(a)) this.cpu.setBreakpoint(a);
  }
}

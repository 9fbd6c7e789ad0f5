// Owns the code generator's vocabulary: how one decoded instruction's semantics become
// JavaScript statements (operand reads and writes by operand kind, effective addresses with
// fs/gs bases and 16-bit addressing, loads and stores with their #PF exits, the lazy-flag
// record and conditions specialised on the producer known at compile time, exits). The
// semantics files (sem-*.ts) speak only this; the block compiler (compile.ts) assembles the
// statements of a whole block, the slow path those of a one-instruction block.
import { OperandKind, type Instruction } from '../../toolchain/isa/instruction';
import { CF, Op, STATUS_FLAGS } from '../../toolchain/isa/ops';
import { condSource, FK, flagsSource, fopOf } from './flags';
import { TLB_MASK } from '../memory/memory';

/** Return codes of a compiled block. */
export const EXIT_SLOT0 = 0;
export const EXIT_SLOT1 = 1;
export const EXIT_DYNAMIC = 2;
export const EXIT_STOP = 3;
/** Inside a block only: a page fault at `ex` (turned into EXIT_STOP after the loop). */
export const EXIT_PAGE_FAULT = 4;
/** Inside a block only: memory events of the instruction at `ia` (watchpoint, store to code). */
export const EXIT_MEMORY_EVENT = 5;

/**
 * Every exit sets `ex` (the next eip), `nc` (the instructions completed in this call beyond
 * `n`, a constant at each exit: Emitter.exitCount) and `rc` (the return code) and breaks out
 * of the block's labelled loop; the registers and the flag record are written back once, after
 * it, where `n + nc` is counted.
 */
function leave(eip: string, count: string, result: string): string {
  return `{ex = ${eip}; nc = ${count}; rc = ${result}; break out;}`;
}

/** Placeholder for the element a TLB access hits (Emitter.tlbAccess), by width. */
const TLB_VIEW: Record<number, string> = { 4: 'VIEW32', 2: 'VIEW16', 1: 'VIEW8' };
/** The names of the TLB's page arrays in generated code (after R or W), by width; compile.ts loads those a block names. */
const TLB_ARRAY: Record<number, string> = { 4: 'I', 2: 'H', 1: 'B' };

/**
 * Block sites Memory keeps between block functions, by name, with its fields for the page base
 * and the array (Memory.stackLoadBase): the stack's, which nearly every block reaches and which
 * stays on one page for long. Such a site starts from what the last function left there (Memory
 * forgets it when its TLB changes) and is always taken, even for one access.
 */
export const KEPT_SITES: Readonly<Record<string, readonly [string, string]>> = {
  R4r4: ['stackLoadBase', 'stackLoadPage'],
  W4r4: ['stackStoreBase', 'stackStorePage'],
};

/** Delimits a placeholder of BlockContext.siteChoice in generated code. */
export const SITE_MARK = '\u0001';
/** Stands where every block site is forgotten (compile.ts finishSites). */
export const SITES_RESET = `${SITE_MARK}R${SITE_MARK}`;

/** Compile-time facts shared by the instructions of one block. */
export class BlockContext {
  /** The fop of the last flag producer emitted in this block, or -1 when unknown. */
  known = -1;
  /** Registers assigned anywhere in the block. */
  readonly dirty = new Set<number>();
  flagsDirty = false;
  /** The instruction emitted last ended the block with exits of its own (Emitter.ended). */
  ended = false;
  /** Some instruction leaves through its memory exit (emit.ts `memoryExit`). */
  memoryExits = false;
  /** Some exit may return a page fault or memory event code (EXIT_PAGE_FAULT, EXIT_MEMORY_EVENT) for the code after the loop. */
  eventCodes = false;
  /** True when a jump back to the block's first instruction continues as a JS loop (a self-loop: compile.ts). */
  loop = false;
  /**
   * A member of a dispatch region (compile.ts compileRegion): its indirect jump goes on inside
   * the region's function, and its instruction `k` is the region's `base + k` (in counts,
   * which are `n + base + k`, and in the exit table).
   */
  region = false;
  base = 0;
  /** Status flags that some later reader (or exit) needs, after each instruction. */
  liveOut: number[] = [];
  /** Each instruction's code, in order. */
  body: string[] = [];
  /** The statement that goes round a self-loop again (compile.ts: the block's shape says where). */
  backEdge = 'continue out;';
  /**
   * Memory sites of a self-loop (compile.ts): 'fast', each access compares its address with
   * the page its site holds and indexes that page's typed array; 'take', each access goes
   * through Memory, then its site takes the page Memory's TLB now holds for it.
   */
  siteMode: 'none' | 'fast' | 'take' = 'none';
  /**
   * The cold tier (compile.ts): each load and store is one call of Memory and its fault check,
   * with no TLB read in place and no site (siteMode 'none' only).
   */
  cold = false;
  /** Set when an instruction needs what sites cannot give (memory reached by helpers, two stores): the block is compiled without sites. */
  unsitable = false;
  /** The TLB arrays the block's code names (Emitter.tlbAccess): RT, RI, RH, RB, WT, WI, WH, WB. */
  readonly tlb = new Set<string>();
  /** Each memory site, by number: the Page array it indexes. */
  readonly sites: Array<'i32' | 'u16' | 'u8'> = [];
  /**
   * The site of each address expression (with its width) that no register it names has
   * changed since: a store to the address a load read shares the load's site (one page, one
   * array for both), which V8 then checks and indexes once.
   */
  readonly siteOf = new Map<string, number>();

  /**
   * Block sites (siteMode 'none': a block, a dispatch region, a self-loop without memory
   * sites): each TLB access has two forms, one through the site of its kind, width and base
   * register (`sb<name>`, the page base a TLB hit of such an access last gave, or 4, which no
   * masked address equals (1 would: an access at address 1); `sc<name>`, that page's array) and one straight through the TLB.
   * compile.ts finishSites picks one per site for the whole function: the site where more than
   * one access uses it (or where the code goes round), and forgets every site after a miss
   * (Memory's slow path may copy a page on write or refill the TLB) and after an instruction
   * that reaches memory otherwise. A site only ever holds what a TLB hit gave, so an access
   * through it is one the TLB would have let through (no fault, no event).
   */
  readonly siteChoices: Array<{ readonly name: string; readonly array: string; readonly sited: string; readonly plain: string }> = [];

  /** A placeholder for one access's code, replaced by compile.ts finishSites. */
  siteChoice(name: string, array: string, sited: string, plain: string): string {
    this.siteChoices.push({ name, array, sited, plain });
    return `${SITE_MARK}${this.siteChoices.length - 1}${SITE_MARK}`;
  }

  /** Registers `written` by an instruction: addresses naming them are new ones after it. */
  forgetAddresses(written: ReadonlySet<number>): void {
    for (const key of [...this.siteOf.keys()]) {
      for (const r of written) if (new RegExp(`\\br${r}\\b`).test(key)) this.siteOf.delete(key);
    }
  }

  constructor(
    readonly insns: readonly Instruction[],
    /** Addresses of instructions whose immediate is read from guest memory when they run (compile.ts immediateField). */
    readonly live: ReadonlySet<number> = new Set(),
  ) {}
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

export class Emitter {
  readonly pre: string[] = [];
  readonly mem: string[] = [];
  readonly post: string[] = [];
  /** True once a load or store was emitted: the instruction ends with an event check. */
  touchesMemory = false;
  /** Set by semantics that end the block with an explicit exit (jumps, traps). */
  ended = false;
  private ea: string | null = null;
  /** Added to esp when it is the base of the address (pop to memory computes it after the increment). */
  espBias = 0;
  /** True once an access went through a memory site. */
  private sitedAccess = false;
  /** Registers this instruction assigns (setReg). */
  readonly written = new Set<number>();
  /** The expressions of this instruction's address temps, by temp name (a temp's name means nothing outside its instruction). */
  private readonly addresses = new Map<string, string>();
  private sitedStores = 0;
  /** Memory was reached other than by load and store (directMemory). */
  private otherAccess = false;
  private temps = 0;
  /** The expression each temp of this instruction was made from (tmp). */
  private readonly inits = new Map<string, string>();

  constructor(
    readonly i: Instruction,
    /** Index of the instruction in its block. */
    readonly k: number,
    readonly ctx: BlockContext,
  ) {}

  get next(): number {
    return (this.i.address + this.i.length) >>> 0;
  }

  tmp(init: string): string {
    const name = `t${this.temps++}`;
    this.pre.push(`let ${name} = ${init};`);
    this.inits.set(name, init);
    return name;
  }

  /**
   * The count of instructions completed when leaving after the first `done` of this block's
   * pass: a constant outside a self-loop (where `n` stays 0). An exit taken for the first time
   * after V8 optimised the block would otherwise meet `n + k` without type feedback and
   * deoptimise the whole block (about 30 deoptimisations in a call-heavy first run).
   */
  count(done: number): string {
    return this.ctx.loop || this.ctx.region ? `n + ${this.ctx.base + done}` : String(done);
  }

  /**
   * What an exit after the first `done` of this block's pass sets `nc` to: count(done) less
   * `n`, which the write-back adds (compile.ts). A constant in every block: in a self-loop or a
   * region, `nc = n + k` at an exit first taken in a new process (which shares the function,
   * translations.ts) had no type feedback and deoptimised the whole function, whose
   * recompilation took 0.2-1.6 s of TurboFan for memcmp's loop (docs/speed-and-exactness.md).
   */
  exitCount(done: number): string {
    return String(this.ctx.base + done);
  }

  /** Statements that leave the block before this instruction has changed anything. */
  exitBefore(result: string): string {
    return this.leave(hex(this.i.address), this.exitCount(this.k), result);
  }

  /**
   * The exit of an instruction that completed but raised memory events (compile.ts appends it),
   * to where the block goes on after it: the instruction's shared memory exit (below).
   */
  memoryEventExit(): string {
    if (!this.mayRaiseEvents) return '';
    // Cold code (m.ev is an int, 0 when nothing was raised) says it shorter.
    return this.ctx.cold ? `if (m.ev) ${this.memoryExit()}` : `if (${this.eventPending} !== 0) ${this.memoryExit()}`;
  }

  /**
   * The one exit of this instruction for both of Memory's reports, a fault (taken right after
   * the access, before anything of the instruction is committed) and events (taken after it
   * completed): `x` names the instruction, and the code after the block's loop tells the two
   * apart by the fault bit (Helpers.memoryExit), which no event exit can see set, since a
   * fault always leaves at its access. Its addresses come from the block's exit table, so each
   * access costs one short statement.
   */
  private memoryExit(): string {
    this.ctx.memoryExits = true;
    return `{x = ${this.ctx.base + this.k}; break out;}`;
  }

  /** Statements that leave the block after this instruction completed, with eip already set by the caller or `next`. */
  exitAfter(result: string, eip: string = hex(this.next)): string {
    return this.leave(eip, this.exitCount(this.k + 1), this.afterEvents(result));
  }

  /** True when the instruction reached memory other than through sites (which raise no event: they leave the loop instead). */
  private get mayRaiseEvents(): boolean {
    return this.touchesMemory && !this.sitedAccess;
  }

  /** True when this instruction reached memory other than by load and store: the block's sites are forgotten after it. */
  get reachedOtherwise(): boolean {
    return this.otherAccess;
  }

  /** Memory is reached by code other than load and store (helpers, string instructions): such a block has no memory sites. */
  directMemory(): void {
    this.otherAccess = true;
    if (this.ctx.siteMode !== 'none') this.ctx.unsitable = true;
  }

  /**
   * What tells, after the instruction's accesses, that Memory raised events: `pend`, which only
   * the miss side of a TLB access sets (tlbAccess), when every access of the instruction is one
   * (a hit raises none); else Memory's own `m.ev`.
   */
  private get eventPending(): string {
    return this.ctx.siteMode === 'none' && !this.otherAccess && !this.ctx.cold ? 'pend' : 'm.ev';
  }

  /** After an instruction that touched memory, a pending event (watchpoint, store to code) wins over `result`. */
  private afterEvents(result: string): string {
    if (this.mayRaiseEvents) this.ctx.eventCodes = true;
    return this.mayRaiseEvents ? `(${this.eventPending} !== 0 ? (ia = ${hex(this.i.address)}, ${EXIT_MEMORY_EVENT}) : ${result})` : result;
  }

  /** Statements leaving the block with eip and the count beyond `n` (exitCount) given as expressions (rep loops). */
  exit(eip: string, count: string, result: string): string {
    return this.leave(eip, count, result);
  }

  /** `leave` noting whether the result may be one of the codes the code after the loop turns into a stop. */
  private leave(eip: string, count: string, result: string): string {
    if (!/^[0-3]$/.test(result)) this.ctx.eventCodes = true;
    return leave(eip, count, result);
  }

  /** Ends the block with a jump to a static target (a self-loop continues in place). */
  jump(target: number, slot: number): string {
    const L = this.ctx.insns.length;
    const insns = this.ctx.insns;
    if (this.k < L - 1 && target === insns[this.k + 1]!.address) {
      // The block goes on at the target (compile.ts decodeBlock follows direct jumps and the
      // fall-through or the target of conditional ones): only a memory event of this instruction (the
      // call's push) leaves, with eip at the target.
      return this.mayRaiseEvents ? `if (${this.eventPending} !== 0) ${this.memoryExit()}` : '{}';
    }
    if (this.ctx.loop && target === insns[0]!.address) {
      const quiet = this.mayRaiseEvents ? ` && ${this.eventPending} === 0` : '';
      return `{n = (n + ${this.k + 1}) | 0; if (n <= room${quiet}) ${this.ctx.backEdge} ex = ${hex(target)}; nc = 0; rc = ${this.afterEvents(String(slot))}; break out;}`;
    }
    return this.exitAfter(String(slot), hex(target));
  }

  /**
   * Ends the block: `condition` true goes to `target` (slot 1), false to the next instruction
   * (slot 0). A hot block may go on at either side (compile.ts decodeBlock): at the target, the
   * fall-through is the side that leaves.
   */
  branch(condition: string, target: number): void {
    const insns = this.ctx.insns;
    const on = this.k < insns.length - 1 ? insns[this.k + 1]!.address : -1;
    if (on === target && target !== this.next) this.post.push(`if (${condition}) {${this.jump(target, EXIT_SLOT1)}} else ${this.jump(this.next, EXIT_SLOT0)}`);
    else this.post.push(`if (${condition}) ${this.jump(target, EXIT_SLOT1)}`, this.jump(this.next, EXIT_SLOT0));
    this.ended = true;
  }

  /**
   * Ends the block: jump to a computed address (ret, indirect jumps). A `ret` the block goes on
   * past (compile.ts decodeBlock: the return of a call it went on through) leaves only when it
   * pops another address than the next instruction's, or on a memory event of its pop.
   */
  jumpDynamic(eip: string): void {
    const insns = this.ctx.insns;
    if (this.i.op === Op.Ret && this.k < insns.length - 1) {
      this.post.push(`if (((${eip}) | 0) !== ${insns[this.k + 1]!.address | 0}) ${this.exitAfter(String(EXIT_DYNAMIC), `(${eip}) >>> 0`)}`);
      if (this.mayRaiseEvents) this.post.push(`if (${this.eventPending} !== 0) ${this.memoryExit()}`);
      this.ended = true;
      return;
    }
    if (this.ctx.region && this.i.op === Op.JmpIndirect && !this.touchesMemory) {
      // The region's dispatch (compile.ts compileRegion): on at the target's member while the
      // longest member fits in the budget (the count `n` made the instructions completed); `pc`
      // is an int32, so that V8 compares the cases as integers.
      this.post.push(`{const t = (${eip}) | 0; n = (n + ${this.ctx.base + this.k + 1}) | 0; if (n <= room) {pc = t; continue out;} ex = t >>> 0; nc = 0; rc = ${EXIT_DYNAMIC}; break out;}`);
    } else {
      this.post.push(this.exitAfter(String(EXIT_DYNAMIC), `(${eip}) >>> 0`));
    }
    this.ended = true;
  }

  /** Ends the block after this instruction with a stop (trap, kernel entry) from a helper call. */
  stopAfter(helperCall: string): void {
    this.post.push(this.exitAfter(helperCall));
    this.ended = true;
  }

  /** Ends the block with a fault at this instruction (nothing committed). */
  faultNow(fault: string): void {
    this.pre.push(this.exitBefore(`H.fault(${fault}, ${hex(this.i.address)})`));
    this.ended = true;
  }

  /** Ends the block with #UD naming this instruction's bytes. */
  undefinedOpcode(): void {
    const i = this.i;
    const opcodeBytes = i.opcode > 0xffff ? 3 : i.opcode > 0xff ? 2 : 1;
    const length = i.entry ? i.length : Math.min(i.length, i.prefixLength + opcodeBytes);
    this.faultNow(`H.ud(m, ${hex(i.address)}, ${length})`);
  }

  /** Raise a fault (before the instruction commits) if `condition` holds. */
  faultIf(condition: string, fault: string): void {
    this.pre.push(`if (${condition}) ${this.exitBefore(`H.fault(${fault}, ${hex(this.i.address)})`)}`);
  }

  // ---- registers ----

  reg(n: number, width: number): string {
    if (width === 4) return `r${n}`;
    if (width === 2) return `(r${n} & 0xffff)`;
    return n < 4 ? `(r${n} & 0xff)` : `((r${n - 4} >> 8) & 0xff)`;
  }

  /** Assign a register (in the commit phase); `v` must not depend on registers changed earlier in this phase. */
  setReg(n: number, width: number, v: string): void {
    const target = width === 1 && n >= 4 ? n - 4 : n;
    this.ctx.dirty.add(target);
    this.written.add(target);
    if (width === 4) this.post.push(`r${n} = (${v}) | 0;`);
    else if (width === 2) this.post.push(`r${n} = (r${n} & -65536) | ((${v}) & 0xffff);`);
    else if (n < 4) this.post.push(`r${n} = (r${n} & -256) | ((${v}) & 0xff);`);
    else this.post.push(`r${n - 4} = (r${n - 4} & -65281) | (((${v}) & 0xff) << 8);`);
  }

  // ---- memory ----

  /** The effective address of the modrm/moffs memory operand (segment base included), computed once. */
  addr(noSegBase = false): string {
    if (this.ea !== null) return this.ea;
    const i = this.i;
    const seg = noSegBase ? -1 : i.memSeg;
    const parts: string[] = [];
    if (i.addrSize === 2) {
      if (i.memBase >= 0) parts.push(i.memBase === 4 && this.espBias ? `((r4 + ${this.espBias}) & 0xffff)` : `(r${i.memBase} & 0xffff)`);
      if (i.memIndex >= 0) parts.push(`(r${i.memIndex} & 0xffff)`);
      parts.push(String(i.memDisp | 0));
      let e = `((${parts.join(' + ')}) & 0xffff)`;
      e = this.withSegBase(e, seg);
      this.ea = this.tmp(e);
      this.addresses.set(this.ea, e);
      return this.ea;
    }
    if (i.memBase >= 0) parts.push(i.memBase === 4 && this.espBias ? `(r4 + ${this.espBias})` : `r${i.memBase}`);
    if (i.memIndex >= 0) parts.push(i.memScale === 1 ? `r${i.memIndex}` : `(r${i.memIndex} << ${Math.log2(i.memScale)})`);
    if (i.memDisp !== 0 || parts.length === 0) parts.push(String(i.memDisp | 0));
    const e = this.withSegBase(`(${parts.join(' + ')}) | 0`, seg);
    this.ea = this.tmp(e);
    this.addresses.set(this.ea, e);
    return this.ea;
  }

  /** Adds the fs/gs base for those segments (the others are flat). */
  withSegBase(e: string, seg: number): string {
    if (seg === 4) return `((${e}) + s.fsBase) | 0`;
    if (seg === 5) return `((${e}) + s.gsBase) | 0`;
    return e;
  }

  /**
   * An access through Memory's TLB read in place (the tags and pages as typed arrays, memory.ts):
   * an aligned access to a page the TLB holds is an index into the page's array (`hit`, with
   * `VIEW` standing for the element), which can neither fault nor raise an event, so it needs no
   * check; any other goes through Memory (`miss`), followed by the fault exit and, for events,
   * `pend` set (eventPending).
   */
  private tlbAccess(a: string, width: number, store: boolean, hit: string, miss: string): string {
    const kind = store ? 'W' : 'R';
    const array = `${kind}${TLB_ARRAY[width]!}`;
    this.ctx.tlb.add(`${kind}T`).add(array);
    const aligned = width === 1 ? '' : ` && (${a} & ${width - 1}) === 0`;
    const index = width === 4 ? `(${a} & 4095) >> 2` : width === 2 ? `(${a} & 4095) >> 1` : `${a} & 4095`;
    const element = `${array}[i][${index}]`;
    const missed = `{${miss} ${SITES_RESET} if (m.ev !== 0) {${this.pfExit()} pend = 1;}}`;
    const plain = `{const p = ${a} >>> 12, i = p & ${TLB_MASK}; if (${kind}T[i] === p${aligned}) ${hit.replace(TLB_VIEW[width]!, element)}; else ${missed}}`;
    // The same access through the block's site for its kind, width and base register (BlockContext.siteChoices).
    const name = `${kind}${width}${this.baseOf(a)}`;
    const [b, c] = [`sb${name}`, `sc${name}`];
    const mask = width === 4 ? -4093 : width === 2 ? -4095 : -4096;
    const view = hit.replace(TLB_VIEW[width]!, `${c}[${index}]`);
    const kept = KEPT_SITES[name];
    const keep = kept ? ` m.${kept[0]} = ${b}; m.${kept[1]} = ${c};` : '';
    const sited = `{if ((${a} & ${mask}) === ${b}) ${view}; else {const p = ${a} >>> 12, i = p & ${TLB_MASK}; if (${kind}T[i] === p${aligned}) {${c} = ${array}[i]; ${b} = p << 12;${keep} ${view};} else ${missed}}}`;
    return this.ctx.siteChoice(name, array, sited, plain);
  }

  /** The register an address is based on (its expression's first), or `a` for an absolute one: the key of its block site. */
  private baseOf(a: string): string {
    const m = /\br(\d)\b/.exec(this.addresses.get(a) ?? this.inits.get(a) ?? a);
    return m ? `r${m[1]}` : 'a';
  }

  private pfExit(): string {
    return this.ctx.cold ? `if (m.ev & 1) ${this.memoryExit()}` : `if ((m.ev & 1) !== 0) ${this.memoryExit()}`;
  }

  /**
   * The memory site of an access: the site of the same address expression and width when no
   * register it names changed since (a store to the address a load read), else a new one.
   */
  private site(address: string, width: number): number {
    const key = `${this.addresses.get(address) ?? address}:${width}`;
    let k = this.ctx.siteOf.get(key);
    if (k === undefined) {
      k = this.ctx.sites.length;
      this.ctx.sites.push(width === 4 ? 'i32' : width === 2 ? 'u16' : 'u8');
      this.ctx.siteOf.set(key, k);
    }
    return k;
  }

  /**
   * An access through memory site `k` ('fast'): when `address` is on the page the site holds
   * for this kind of access (`b<k>` for loads, `w<k>` for stores: the page base, or 4, which
   * no masked address equals; aligned for 2 and 4 bytes) an index into the page's typed
   * array `c<k>`; otherwise the inner loop is left before this instruction with nothing of
   * it done, for the rest of the pass to run through Memory (compile.ts). So the inner loop
   * makes no call, and raises no memory event.
   */
  private siteAccess(k: number, address: string, width: number, access: { into: string } | { value: string }): string[] {
    this.sitedAccess = true;
    const mask = width === 4 ? -4093 : width === 2 ? -4095 : -4096;
    const index = width === 4 ? `(${address} & 4095) >> 2` : width === 2 ? `(${address} & 4095) >> 1` : `${address} & 4095`;
    const fast = 'value' in access ? `c${k}[${index}] = ${access.value};` : `${access.into} = c${k}[${index}];`;
    return [`if ((${address} & ${mask}) === ${'value' in access ? 'w' : 'b'}${k}) ${fast}`, `else {from = ${this.k}; continue out;}`];
  }

  /**
   * Site `k` takes the page of `address` after an access through Memory ('take'), when
   * Memory's TLB holds it for that access (else the site keeps what it held): the page's
   * array, and its base as the tag of both kinds of access where that TLB holds it too.
   */
  private takePage(k: number, address: string, store: boolean): string {
    const [mine, other] = store ? ['W', 'B'] : ['B', 'W'];
    return `{const t = m.${store ? 'storeTag' : 'loadTag'}(${address}); if (t !== 4) {${mine}${k} = t; C${k} = m.tagged.${this.ctx.sites[k]}; ${other}${k} = m.${store ? 'loadTag' : 'storeTag'}(${address});}}`;
  }

  /**
   * An access of the pass through Memory ('take') after which site `k` takes the page: on a
   * hit of Memory's TLB read in place (as tlbAccess), the page's array and its base from the
   * entry (the base as the other kind's tag too where that TLB holds the same page); else
   * through Memory, then the fault exit and takePage.
   */
  private takeAccess(k: number, a: string, width: number, store: boolean, hit: string, miss: string): string {
    const [mine, other] = store ? ['W', 'R'] : ['R', 'W'];
    const [mineTag, otherTag] = store ? [`W${k}`, `B${k}`] : [`B${k}`, `W${k}`];
    const array = TLB_ARRAY[width]!;
    this.ctx.tlb.add(`${mine}T`).add(`${mine}${array}`).add(`${other}T`).add(`${other}${array}`);
    const aligned = width === 1 ? '' : ` && (${a} & ${width - 1}) === 0`;
    const index = width === 4 ? `(${a} & 4095) >> 2` : width === 2 ? `(${a} & 4095) >> 1` : `${a} & 4095`;
    // The closure's C<k> is written only when the page differs: a store of a young page array into the old closure costs a write barrier each call.
    const taken = `const cp = ${mine}${array}[i]; if (C${k} !== cp) C${k} = cp; ${mineTag} = p << 12; ${otherTag} = ${other}T[i] === p && ${other}${array}[i] === cp ? p << 12 : 4;`;
    return `{const p = ${a} >>> 12, i = p & ${TLB_MASK}; if (${mine}T[i] === p${aligned}) {${taken} ${hit.replace(TLB_VIEW[width]!, `cp[${index}]`)};} else {${miss} ${this.pfExit()} ${this.takePage(k, a, store)}}}`;
  }

  /** `expr` as a name, declared in `phase` when it is not one already (site accesses use it several times). */
  private named(expr: string, phase: string[]): string {
    if (/^([a-z]\w*|-?\d+)$/.test(expr)) return expr;
    const name = `t${this.temps++}`;
    phase.push(`let ${name} = ${expr};`);
    this.addresses.set(name, expr);
    return name;
  }

  /** A load in the read phase; returns the temp holding the value (int32 for 4, unsigned otherwise). */
  load(address: string, width: number): string {
    this.touchesMemory = true;
    if (this.ctx.cold) {
      const t = this.tmp(`m.rd${8 * width}(${address})`);
      this.pre.push(this.pfExit());
      return t;
    }
    if (this.ctx.siteMode === 'fast') {
      const a = this.named(address, this.pre);
      const t = `t${this.temps++}`;
      this.pre.push(`let ${t} = 0;`, ...this.siteAccess(this.site(a, width), a, width, { into: t }));
      return t;
    }
    if (this.ctx.siteMode === 'none') {
      const a = this.named(address, this.pre);
      const t = `t${this.temps++}`;
      this.pre.push(`let ${t} = 0;`, this.tlbAccess(a, width, false, `${t} = ${TLB_VIEW[width]!}`, `${t} = m.rd${8 * width}(${a});`));
      return t;
    }
    const a = this.named(address, this.pre);
    const t = `t${this.temps++}`;
    this.pre.push(`let ${t} = 0;`, this.takeAccess(this.site(a, width), a, width, false, `${t} = ${TLB_VIEW[width]!}`, `${t} = m.rd${8 * width}(${a});`));
    return t;
  }

  /** A load in the store phase, for instructions whose reads follow their own writes (enter). */
  loadLate(address: string, width: number): string {
    this.touchesMemory = true;
    this.directMemory();
    const name = `t${this.temps++}`;
    this.mem.push(`let ${name} = ${width === 4 ? `m.rd32(${address})` : width === 2 ? `m.rd16(${address})` : `m.rd8(${address})`};`, this.pfExit());
    return name;
  }

  /** A 64-bit load (read phase): [low, high] temps. */
  load64(address: string): [string, string] {
    this.touchesMemory = true;
    this.directMemory();
    const lo = this.tmp(`m.rd64(${address})`);
    this.pre.push(this.pfExit());
    const hi = this.tmp('m.hi64 | 0');
    return [lo, hi];
  }

  /** A store in the store phase (after every load, before any register or flag commit). */
  store(address: string, width: number, v: string): void {
    this.touchesMemory = true;
    // A second store would run again when the pass is taken up again at the instruction of a site that missed.
    if (this.ctx.siteMode !== 'none' && this.sitedStores++ > 0) this.ctx.unsitable = true;
    if (this.ctx.cold) {
      this.mem.push(`m.wr${8 * width}(${address}, ${v});`, this.pfExit());
      return;
    }
    if (this.ctx.siteMode === 'fast') {
      const a = this.named(address, this.mem);
      const value = this.named(v, this.mem);
      this.mem.push(...this.siteAccess(this.site(a, width), a, width, { value }));
      return;
    }
    const a = this.named(address, this.mem);
    const fn = width === 4 ? 'wr32' : width === 2 ? 'wr16' : 'wr8';
    if (this.ctx.siteMode === 'none') {
      const value = this.named(v, this.mem);
      this.mem.push(this.tlbAccess(a, width, true, `${TLB_VIEW[width]!} = ${value}`, `m.${fn}(${a}, ${value});`));
      return;
    }
    const value = this.named(v, this.mem);
    this.mem.push(this.takeAccess(this.site(a, width), a, width, true, `${TLB_VIEW[width]!} = ${value}`, `m.${fn}(${a}, ${value});`));
  }

  store64(address: string, lo: string, hi: string): void {
    this.touchesMemory = true;
    this.directMemory();
    this.mem.push(`m.wr64(${address}, ${lo}, ${hi});`, this.pfExit());
  }

  // ---- operands by kind ----

  width(kind: OperandKind): number {
    switch (kind) {
      case OperandKind.Eb: case OperandKind.Gb: case OperandKind.Zb: case OperandKind.AL:
      case OperandKind.Ib: case OperandKind.Ob: case OperandKind.Xb: case OperandKind.Yb:
      case OperandKind.Bb: case OperandKind.CL:
        return 1;
      case OperandKind.Ew: case OperandKind.Gw: case OperandKind.Iw: case OperandKind.Sw: case OperandKind.DX:
        return 2;
      case OperandKind.Ed: case OperandKind.Gd: case OperandKind.Zd:
        return 4;
      case OperandKind.Esw:
        return this.i.hasMem ? 2 : this.i.opSize;
      default:
        return this.i.opSize;
    }
  }

  /** The value of operand `index` (normalized: int32 for width 4, unsigned for 1 and 2). */
  read(index: number): string {
    const kind = this.i.entry!.operands[index]!;
    const w = this.width(kind);
    const i = this.i;
    switch (kind) {
      case OperandKind.Eb: case OperandKind.Ew: case OperandKind.Ed: case OperandKind.Ev: case OperandKind.Esw:
      case OperandKind.M: case OperandKind.Mq:
        return i.hasMem ? this.load(this.addr(), w) : this.tmp(this.reg(i.rm, w));
      case OperandKind.Ob: case OperandKind.Ov:
        return this.load(this.addr(), w);
      case OperandKind.Gb: case OperandKind.Gw: case OperandKind.Gd: case OperandKind.Gv:
      case OperandKind.Zb: case OperandKind.Zv: case OperandKind.Zd:
        return this.tmp(this.reg(i.reg, w));
      case OperandKind.AL: case OperandKind.eAX:
        return this.tmp(this.reg(0, w));
      case OperandKind.CL:
        return this.tmp(this.reg(1, 1));
      case OperandKind.DX:
        return this.tmp(this.reg(2, 2));
      case OperandKind.Ib: case OperandKind.Iw: case OperandKind.Iz: case OperandKind.Ibs:
        if (this.ctx.live.has(i.address)) return this.liveImmediate(kind, w);
        return w === 4 ? String(i.imm | 0) : String(i.imm & (w === 2 ? 0xffff : 0xff));
      case OperandKind.One:
        return '1';
      default:
        throw new Error(`operand kind ${OperandKind[kind]} is not a value operand`);
    }
  }

  /** The immediate as the instruction stream holds it when the instruction runs (the last bytes of its encoding). */
  private liveImmediate(kind: OperandKind, w: number): string {
    const i = this.i;
    const size = kind === OperandKind.Ib || kind === OperandKind.Ibs ? 1 : kind === OperandKind.Iw ? 2 : i.opSize;
    const at = hex(i.address + i.length - size);
    if (kind === OperandKind.Ibs) return this.tmp(w === 4 ? `(m.code(${at}, 1) << 24) >> 24` : `((m.code(${at}, 1) << 24) >> 24) & ${w === 2 ? '0xffff' : '0xff'}`);
    return this.tmp(`m.code(${at}, ${size})`);
  }

  /** Writes operand `index` (a register in the commit phase, memory in the store phase). */
  write(index: number, v: string): void {
    const kind = this.i.entry!.operands[index]!;
    const w = this.width(kind);
    const i = this.i;
    switch (kind) {
      case OperandKind.Eb: case OperandKind.Ew: case OperandKind.Ed: case OperandKind.Ev: case OperandKind.Esw:
        if (i.hasMem) this.store(this.addr(), w, v);
        else this.setReg(i.rm, w, v);
        return;
      case OperandKind.Ob: case OperandKind.Ov:
        this.store(this.addr(), w, v);
        return;
      case OperandKind.Gb: case OperandKind.Gw: case OperandKind.Gd: case OperandKind.Gv:
      case OperandKind.Zb: case OperandKind.Zv: case OperandKind.Zd:
        this.setReg(i.reg, w, v);
        return;
      case OperandKind.AL: case OperandKind.eAX:
        this.setReg(0, w, v);
        return;
      default:
        throw new Error(`operand kind ${OperandKind[kind]} is not writable`);
    }
  }

  /** Normalizes a computed int expression to the width's convention. */
  norm(v: string, width: number): string {
    return width === 4 ? `((${v}) | 0)` : width === 2 ? `((${v}) & 0xffff)` : `((${v}) & 0xff)`;
  }

  signed(v: string, width: number): string {
    return width === 4 ? `(${v} | 0)` : width === 2 ? `((${v} << 16) >> 16)` : `((${v} << 24) >> 24)`;
  }

  signBit(width: number): string {
    return width === 4 ? '-2147483648' : width === 2 ? '0x8000' : '0x80';
  }

  // ---- flags ----

  /** True when some later instruction or exit needs a flag this instruction writes. */
  get flagsLive(): boolean {
    const e = this.i.entry!;
    return (this.ctx.liveOut[this.k]! & (e.flagsWritten | e.flagsUndefined) & STATUS_FLAGS) !== 0;
  }

  /** Records a flag producer in the commit phase (skipped when nothing reads these flags). */
  setFlags(kind: FK, width: number, a: string, b: string, r: string, c = '0'): void {
    if (!this.flagsLive) {
      this.ctx.known = -2;
      return;
    }
    const fop = fopOf(kind, width);
    this.post.push(`fop = ${fop}; fa = ${a}; fb = ${b}; fr = ${r}; fc = ${c};`);
    this.ctx.flagsDirty = true;
    this.ctx.known = fop;
  }

  /** Sets the record by `statements` (flags.ts rotatedRecord) to a producer no later instruction of the block knows. */
  setFlagsRecord(statements: string): void {
    this.post.push(statements);
    this.ctx.flagsDirty = true;
    this.ctx.known = -1;
  }

  /** Sets the six status flags to the value of an expression (Explicit record). */
  setFlagsExplicit(v: string): void {
    if (!this.flagsLive) {
      this.ctx.known = -2;
      return;
    }
    this.post.push(`fop = 0; fa = (${v}) & ${STATUS_FLAGS}; fb = 0; fr = 0; fc = 0;`);
    this.ctx.flagsDirty = true;
    this.ctx.known = 0;
  }

  /** The six status flags now (read phase). */
  flags(): string {
    // A producer known at compile time: its flags as an expression (flags.ts flagsSource), no call.
    if (this.ctx.known >= 0) return this.tmp(flagsSource(this.ctx.known));
    return this.tmp('H.flags(fop, fa, fb, fr, fc)');
  }

  /** CF now, as 0 or 1 (read phase). */
  carry(): string {
    const known = this.ctx.known;
    const kind = known >> 2;
    if (known >= 0) {
      if (kind === FK.Logic) return '0';
      if (kind === FK.Explicit) return this.tmp('fa & 1');
      if (kind === FK.Inc || kind === FK.Dec || kind === FK.Mul) return this.tmp('fc & 1');
      if (kind === FK.Sub) return this.tmp('((fa >>> 0) < (fb >>> 0)) ? 1 : 0');
      if (kind === FK.Add) return this.tmp('((fr >>> 0) < (fa >>> 0)) ? 1 : 0');
      return this.tmp(`${flagsSource(known)} & ${CF}`);
    }
    return this.tmp(`H.flags(fop, fa, fb, fr, fc) & ${CF}`);
  }

  /** A condition-code test (read phase). */
  cond(cc: number): string {
    const known = this.ctx.known;
    const direct = known >= 0 ? specialisedCond(known, cc >> 1) : null;
    if (direct !== null) return this.tmp(cc & 1 ? `!(${direct})` : direct);
    if (known >= 0) return this.tmp(condSource(cc, this.tmp(flagsSource(known))));
    return this.tmp(`H.cond(${cc}, fop, fa, fb, fr, fc)`);
  }
}

/** A JS expression over fa/fb/fr/fc for condition pair `pair` (cc >> 1) under a producer known at compile time. */
function specialisedCond(fop: number, pair: number): string | null {
  const kind = fop >> 2;
  const sz = fop & 3;
  const sign = sz === 2 ? 'fr < 0' : sz === 1 ? '(fr & 0x8000) !== 0' : '(fr & 0x80) !== 0';
  const shift = sz === 2 ? 0 : sz === 1 ? 16 : 24;
  const sa = shift ? `(fa << ${shift})` : 'fa';
  const sb = shift ? `(fb << ${shift})` : 'fb';
  if (pair === 2) {
    if (kind === FK.Explicit) return '(fa & 0x40) !== 0';
    return 'fr === 0';
  }
  if (pair === 4 && kind !== FK.Explicit) return sign;
  switch (kind) {
    case FK.Sub:
      if (pair === 1) return '(fa >>> 0) < (fb >>> 0)';
      if (pair === 3) return '(fa >>> 0) <= (fb >>> 0)';
      if (pair === 6) return `${sa} < ${sb}`;
      if (pair === 7) return `${sa} <= ${sb}`;
      return null;
    case FK.Logic:
      if (pair === 0) return 'false';
      if (pair === 1) return 'false';
      if (pair === 3) return 'fr === 0';
      if (pair === 6) return sign;
      if (pair === 7) return `fr === 0 || ${sign}`;
      return null;
    case FK.Add:
      if (pair === 1) return '(fr >>> 0) < (fa >>> 0)';
      return null;
    case FK.Inc:
    case FK.Dec:
      if (pair === 1) return '(fc & 1) !== 0';
      return null;
    default:
      return null;
  }
}

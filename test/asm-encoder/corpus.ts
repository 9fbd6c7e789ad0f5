// Generates the encoder's test corpus from the opcode table itself: for every row, its
// spellings (AT&T mnemonic, 16-bit spelling, aliases, size suffixes) × operand forms
// (registers of each size, memory forms with and without SIB/displacements/segments,
// immediates of each size class, symbols), plus GAS-choice edge cases written by hand.
import { OperandKind as K, Suffix, type OpcodeEntry } from '../../toolchain/isa/entry';
import { TABLE } from '../../toolchain/isa/table-index';
import { Op } from '../../toolchain/isa/ops';

const R32 = ['%eax', '%ecx', '%edx', '%ebx', '%esp', '%ebp', '%esi', '%edi'];
const R16 = ['%ax', '%cx', '%dx', '%bx', '%sp', '%bp', '%si', '%di'];
const R8 = ['%al', '%cl', '%dl', '%bl', '%ah', '%ch', '%dh', '%bh'];
const SEGS = ['%es', '%cs', '%ss', '%ds', '%fs', '%gs'];
export const MEMORY = [
  '(%eax)', '(%esp)', '(%ebp)', '0x7f(%ecx)', '-0x80(%edx)', '0x80(%esi)', '-0x81(%edi)', '0x12345678', '(,%edi,8)',
  '4(%eax,%ebx,2)', '(%esp,%ebp,1)', '0(%ebp,%eax,4)', '%fs:(%eax)', '%ss:(%ebp)', '%ds:(%ebp)', '%ds:8(%ecx)', 'foo(%ebx)',
  'foo+8(,%eax,4)', 'foo', '(%bx,%si)', '4(%bp)', '(%bp,%di)', '0x1234(%bx)', '(%si)', '-2(%ebp)', '0xffffffff(%eax)',
];

function regs(k: K, opSize: 2 | 4): string[] {
  switch (k) {
    case K.Eb: case K.Gb: case K.Zb: return [R8[1]!, R8[7]!, R8[0]!];
    case K.Ew: case K.Gw: return [R16[2]!, R16[0]!];
    case K.Ed: case K.Gd: case K.Zd: return [R32[3]!, R32[0]!, R32[4]!];
    case K.Ev: case K.Gv: case K.Zv: case K.Esw: return opSize === 2 ? [R16[1]!, R16[0]!, R16[6]!] : [R32[1]!, R32[0]!, R32[5]!, R32[7]!];
    default: return [];
  }
}

/** AT&T texts one operand kind can be written as (first = the default used while others vary). */
function forms(e: OpcodeEntry, k: K, opSize: 2 | 4): string[] {
  const mem = e.mod !== 2 ? MEMORY : [];
  switch (k) {
    case K.Eb: case K.Ew: case K.Ed: case K.Ev: case K.Esw:
      return [...(e.mod !== 1 ? regs(k, opSize) : []), ...mem].map((t) => (isIndirect(e) ? `*${t}` : t));
    case K.Gb: case K.Gw: case K.Gd: case K.Gv: case K.Zb: case K.Zv: case K.Zd: return regs(k, opSize);
    case K.M: case K.Mp: case K.Ma: case K.Mq: return mem.map((t) => (isIndirect(e) ? `*${t}` : t));
    case K.Sw: return SEGS;
    case K.ES: case K.CS: case K.SS: case K.DS: case K.FS: case K.GS: return [SEGS[k - K.ES]!];
    case K.Ib: return ['$0x12', '$0', '$1', '$0xff', '$-1', '$foo', '$3'];
    case K.Ibs: return ['$-1', '$0x7f', '$-128', '$0x80', '$0xffff', '$0xffffffff', '$foo', '$1'];
    case K.Iw: return ['$0x1234', '$0', '$foo'];
    case K.Iz: return ['$0x12345678', '$1', '$0x80', '$-0x81', '$foo', '$foo+4', '$0'];
    case K.Jb: case K.Jz: return ['foo', 'foo+0x10', '0x1000'];
    case K.Ob: case K.Ov: return ['0x1234', 'foo', '%es:0x10', '%ds:4'];
    case K.AL: return ['%al'];
    case K.eAX: return [opSize === 2 ? '%ax' : '%eax'];
    case K.CL: return ['%cl'];
    case K.DX: return ['%dx', '(%dx)'];
    case K.One: return ['$1', ''];
    case K.Xb: case K.Xv: return ['(%esi)', '%fs:(%esi)', '%ds:(%esi)', ''];
    case K.Yb: case K.Yv: return ['%es:(%edi)', '(%edi)', ''];
    case K.Bb: return ['(%ebx)', '%es:(%ebx)', ''];
    case K.Ap: return ['$0x23,$0x1000', '$foo,$bar'];
    case K.ST: return ['%st'];
    case K.STi: return ['%st(1)', '%st(0)', '%st(7)', '%st'];
    case K.AX: return ['%ax'];
    case K.Mw: case K.Md: case K.Mt: case K.Me: case K.Ms: case K.Mx: return mem;
  }
  return [];
}

function isIndirect(e: OpcodeEntry): boolean {
  return e.mnemonic === 'call' || e.mnemonic === 'jmp' || e.mnemonic === 'lcall' || e.mnemonic === 'ljmp';
}

function spellings(e: OpcodeEntry, opSize: 2 | 4): string[] {
  const out = new Set<string>();
  const m = opSize === 2 ? e.mnemonic16 : e.mnemonic;
  if (e.suffix === Suffix.Movx) {
    const src = e.operands[1] === K.Eb ? 'b' : 'w';
    const dst = opSize === 2 ? 'w' : 'l';
    if (!(src === 'w' && dst === 'w')) out.add(`${m}${src}${dst}`);
    out.add(`${m}x`);
    return [...out];
  }
  out.add(m);
  const letter = e.fixedWidth === 1 ? 'b' : opSize === 2 ? 'w' : 'l';
  out.add(m + letter);
  for (const a of e.aliases) if (!a.opSize || a.opSize === opSize) out.add(a.name);
  return [...out];
}

/** Operand lists (AT&T order) for one row at one operand size: each kind varied in turn. */
function operandLists(e: OpcodeEntry, opSize: 2 | 4): string[] {
  const kinds = e.operands;
  const alts = kinds.map((k) => forms(e, k, opSize));
  if (alts.some((a) => a.length === 0)) return [];
  const lists = new Set<string>();
  const text = (choice: string[]) => {
    const intel = choice.filter((t) => t !== '');
    return (e.noReverse ? intel : intel.reverse()).join(',');
  };
  lists.add(text(alts.map((a) => a[0]!)));
  alts.forEach((a, i) => {
    for (const t of a) lists.add(text(alts.map((b, j) => (j === i ? t : b[0]!))));
  });
  return [...lists];
}

/** Lines generated from every table row. */
export function tableCorpus(): string[] {
  return [...new Set(tableCorpusRows().flat())];
}

/** The corpus by table row: each covered row's lines, in the order tableCorpus gives them (a line may recur in several rows). */
export function tableCorpusRows(): string[][] {
  const rows: string[][] = [];
  for (const e of TABLE) {
    // Forms the table lists but the emulator does not run (nc, undef) have no operand kinds to spell.
    if (e.op === Op.NotCovered || e.op === Op.Invalid) continue;
    const lines = new Set<string>();
    const sizes: (2 | 4)[] = e.opSizeOnly ? [e.opSizeOnly as 2 | 4] : [4, 2];
    for (const opSize of sizes) {
      for (const ops of operandLists(e, opSize)) {
        for (const m of spellings(e, opSize)) lines.add(ops ? `${m} ${ops}` : m);
      }
    }
    rows.push([...lines]);
  }
  return rows;
}

/** GAS's choices the brief names, and other edge cases, written by hand. */
export const EDGE_CASES: readonly string[] = [
  'mov %eax,%ebx', 'mov %ebx,%eax', 'add %eax,%ebx', 'add $1,%eax', 'add $0x100,%eax', 'add $0x100,%ebx', 'add $-128,%eax',
  'add $1,%ax', 'add $1,%al', 'add $0xffff,%ax', 'and $0xff,%eax', 'cmp $0x80,%al', 'mov 0x1234,%eax', 'mov %eax,0x1234',
  'mov 0x1234,%al', 'mov %ax,0x1234', 'mov foo,%eax', 'mov %eax,foo', 'mov %es:4,%eax', 'mov %cs:1,%al', 'mov (%ebp),%eax',
  'mov (%esp),%eax', 'mov 0(%eax),%eax', 'mov (,%eax,1),%eax', 'mov (%eax,%eax),%eax', 'mov 0x10(,%ebp,2),%eax',
  'shl $1,%eax', 'shl %eax', 'sar $1,%al', 'sal %eax', 'salb $2,(%eax)', 'shll $1,(%eax)', 'shl $foo,%eax', 'rcl $1,%ecx',
  'push $1', 'push $0x100', 'push $-1', 'pushw $1', 'push $foo', 'pushl $1', 'pushw $foo', 'push %es', 'pushw %es', 'pop %fs',
  'imul $3,%eax', 'imul $3,%eax,%ebx', 'imul $300,%eax', 'imul %ecx,%edx', 'imul (%eax),%ebx', 'imul %ecx', 'imulb (%eax)',
  'int $3', 'int3', 'int $0x80', 'int $foo', 'into', 'xchg %eax,%ebx', 'xchg %ebx,%eax', 'xchg %eax,%eax', 'xchg %ax,%ax',
  'xchg %ax,%bx', 'xchg %ebx,%ecx', 'xchg %ebx,(%eax)', 'xchg (%eax),%ebx', 'xchgb %al,(%ecx)',
  'test %eax,%ebx', 'test %ebx,(%eax)', 'test (%eax),%ebx', 'test $1,%al', 'test $1,%eax', 'testl $1,(%eax)', 'test $0x80,%bl',
  'call *%eax', 'call *(%eax)', 'jmp *(%eax)', 'jmp *%eax', 'call foo', 'call foo@PLT', 'jmp foo', 'jz foo', 'jmp foo@PLT',
  'ljmp $0x23,$0x1000', 'lcall $0x23,$foo', 'ljmp *(%eax)', 'lcall *4(%esp)', 'ljmpw *(%eax)', 'jmp $0x23,$0x1000',
  'ret $4', 'ret', 'retw', 'lret', 'lret $8', 'iret', 'iretw', 'enter $8,$0', 'enter $0x1000,$1', 'leave',
  'movsl (%esi),%es:(%edi)', 'movsb', 'movsw', 'movsl', 'rep movsb', 'rep movsl', 'repe cmpsb', 'repne scasb', 'repz cmpsl',
  'rep stosl', 'rep stosb', 'rep lodsw', 'lodsl %fs:(%esi),%eax', 'movs %fs:(%esi),%es:(%edi)', 'cmpsb (%edi),(%esi)',
  'xlat', 'xlatb', 'xlat %es:(%ebx)', 'insb (%dx),%es:(%edi)', 'outsb %ds:(%esi),(%dx)', 'rep insl', 'rep outsw',
  'sysenter', 'syscall', 'sysexit', 'cpuid', 'rdtsc', 'lea 4(%esp),%ecx', 'lea (%eax,%ebx,4),%edx', 'lea foo,%eax',
  'lea -4(%ebp),%ax', 'lea (%bx),%ax', 'mov %es,%ax', 'mov %es,%eax', 'mov %es,(%eax)', 'movw %es,(%eax)', 'mov (%eax),%ds',
  'mov %ax,%es', 'mov %eax,%es', 'movw %ax,%ds', 'movl %eax,%ds', 'nop', 'nopl (%eax)', 'nopw (%eax)', 'nopl 0(%eax,%eax,1)',
  'nop %eax', 'xchg %ax,%ax', 'pause', 'endbr32', 'ud2', 'ud2a', 'movzbl %al,%eax', 'movzx %al,%eax', 'movzwl (%eax),%eax',
  'movsbw %al,%ax', 'movsbl (%ecx),%edx', 'movswl %ax,%eax', 'movzb %al,%eax', 'movzxb (%eax),%eax', 'movsx (%eax),%ax',
  'movsxw %ax,%eax', 'movzbw (%eax),%bx', 'sete %al', 'setz (%eax)', 'setnae %bl', 'setc %cl', 'setpe %al', 'setpo %al',
  'cmove %eax,%ebx', 'cmovz (%eax),%ecx', 'cmovnae %ax,%bx', 'cmovc %eax,%ebx', 'cmovnle %edx,%esi', 'cmovng %ecx,%eax',
  'jz foo', 'je foo', 'jnae foo', 'jb foo', 'jc foo', 'jnb foo', 'jnc foo', 'jae foo', 'jna foo', 'jnbe foo', 'jpe foo',
  'jpo foo', 'jnge foo', 'jnl foo', 'jng foo', 'jnle foo', 'jnz foo', 'jecxz foo', 'jcxz foo', 'loop foo', 'loopz foo',
  'loopnz foo', 'loope foo', 'loopne foo', 'loopw foo', 'loopl foo', 'cbw', 'cwde', 'cwd', 'cdq', 'cbtw', 'cwtl', 'cwtd',
  'cltd', 'pushal', 'pushaw', 'popal', 'pusha', 'pushfl', 'pushfw', 'popf', 'leavel', 'leavew', 'enterw $1,$2', 'retl',
  'lretl', 'iretl', 'aam', 'aad', 'aam $3', 'aad $5', 'in $3,%al', 'in %dx,%al', 'inb %dx', 'in (%dx),%al', 'in $3,%ax',
  'out %al,$3', 'outb $3', 'out %ax,(%dx)', 'outl %eax,$1', 'bswap %eax', 'bswap %edi', 'cmpxchg8b (%eax)',
  'lock cmpxchg8b (%eax)', 'lock incl (%eax)', 'lock addl $1,(%eax)', 'lock xchg %eax,(%ebx)', 'lock incw (%eax)',
  'lock btsl $3,(%eax)', 'lock xaddl %eax,(%ecx)', 'lock cmpxchgl %ecx,(%edx)', 'cs nop', 'data16 nop', 'addr16 movsb',
  'fs movl (%eax),%eax', 'ds jmp foo', 'cs je foo', 'lock', 'rep', 'repz', 'repne', 'fs', 'gs', 'data16', 'addr16',
  'rep ret', 'repz ret', 'tzcnt %eax,%ebx', 'lzcnt %ax,%bx', 'rdsspd %eax', 'incsspd %ecx', 'endbr64', 'lfence', 'mfence',
  'sfence', 'hlt', 'sysret', 'arpl %ax,%bx', 'arpl %bx,(%eax)', 'bound %eax,(%ebx)', 'bound %ax,(%eax)', 'lds (%eax),%ebx',
  'lss 4(%esp),%esp', 'lfs (%eax),%ax', 'mov $foo,%eax', 'add $foo,%eax', 'add $foo,%ebx', 'movb $foo,%al', 'movw $foo,(%eax)',
  'jmp *foo', 'mov foo@GOT(%ebx),%eax', 'mov foo@GOTOFF(%ebx),%eax', 'lea foo@GOTOFF(%ebx),%eax', 'lea foo@GOT(%ebx),%eax',
  'lea foo@TLSGD(,%ebx,1),%eax', 'lea foo@TLSLDM(%ebx),%eax', 'mov foo@DTPOFF(%eax),%eax', 'mov %gs:foo@NTPOFF,%eax',
  'mov foo@GOTNTPOFF(%ebx),%eax', 'mov foo@INDNTPOFF,%eax', 'mov $foo@TPOFF,%eax', 'add $_GLOBAL_OFFSET_TABLE_,%ebx',
  'add foo@GOT(%ebx),%eax', 'call *foo@GOT(%ebx)', 'cmp foo@GOT(%ebx),%ecx', 'test %eax,foo@GOT(%ebx)', 'push foo@GOT(%ebx)',
  'call 0x1000', 'jmp 0x1000', 'mov $0x1ff,%al', 'add $0x12345,%ax', 'inc (%eax)', 'add $1,(%eax)', 'mov $1,(%eax)',
  'not (%eax)', 'shl (%eax)', 'shl $2,(%eax)', 'shl %cl,(%eax)', 'bt $1,(%eax)', 'test $1,(%eax)', 'push (%eax)',
  'pop (%eax)', 'call (%eax)', 'jmp %eax', 'lods %ds:(%esi)', 'inc %eax', 'incw %ax', 'dec %cx', 'incb %al', 'dec (%ecx)',
  'mov $0,%al', 'mov $-1,%eax', 'mov $0x1234,%ax', 'movl $0,(%esp)', 'movb $-1,4(%esp)', 'mov %eax,%esp', 'mov %esp,%esp',
  'mov 0x80000000(%esi),%eax', 'mov -129(%esi),%eax', 'mov %ss:4(%esp),%eax', 'mov %ds:(%esp),%eax', 'mov %es:(%edi),%al',
  'sub $0x7f,%esp', 'sub $0x80,%esp', 'add $-0x80,%esp', 'adc $1,%al', 'sbb $0x100,%ax', 'or $0xffffff80,%eax',
  'xor %eax,%eax', 'neg %eax', 'notb (%ebx)', 'mul %ecx', 'divl (%ecx)', 'idivw %bx', 'shld $3,%eax,%ebx', 'shrd %cl,%ebx,(%eax)',
  'bt %eax,%ebx', 'bts $31,%ecx', 'bsf %eax,%ebx', 'bsr (%eax),%cx', 'xadd %eax,%ebx', 'cmpxchg %cl,%dl', 'cmc', 'clc', 'stc',
  'cld', 'std', 'cli', 'sti', 'lahf', 'sahf', 'daa', 'das', 'aaa', 'aas', 'salc',
];

/** Lines GAS rejects, with the message text GAS prints. */
export const INVALID_LINES: readonly string[] = [
  'mov %eax,%bl', 'push %al', 'pushb $1', 'movl %ax,%bx', 'movb %eax,(%ebx)', 'foo %eax', 'mov %eax', 'mov (%eax,%esp),%eax',
  'mov (%eax,%eax,3),%eax', 'mov %eaz,%eax', 'lea %eax,%ebx', 'mov $1', 'add %eax,%ebx,%ecx', 'int %eax', 'mov (%ax),%eax',
  'mov (%eax,%bx),%eax', 'lock mov %eax,%ebx', 'rep add %eax,%ebx', 'movzbl %eax,%eax', 'shl %cl,%cl,%eax', 'shl %dl,%eax',
  'pushl %ax', 'mov %eax,$1', 'mov 1(%eax', 'mov (%eax)),%eax', 'mov %es,%es', 'movb %es,(%eax)', 'movl %es,(%eax)',
  'movl (%eax),%es', 'ret %eax', 'xchg $1,%eax', 'in %al,$3', 'addw %eax,%ebx', 'incl %ax',
  'sete %eax', 'cmove %al,%bl', 'bswap %ax', 'mov %al,%ah,', 'mov ,%eax', 'enter $1', 'int', 'lock add %eax,%ebx',
  'lock incl %eax', 'lea $1,%eax', 'movzwl %ax,%ax', 'movzww %ax,%bx', 'jmp *$1', 'push $1,$2', 'pop $1', 
  'mov %eax,%es:%eax', 'xlat %eax', 'leal (%eax),%ax', 'rep nopx', 'stos %al', 'loop 0x1000', 'jecxz 0x1000', 'movzww %ax,%bx',
  'cbtww', 'jcxzw foo', 'loopww foo', 'salc', 'cpuidl', 'bswap %ax', 'movzwl %ax,%ax',
];

/** Lines GAS rejects where our message differs from GAS's (only the rejection is compared). */
export const INVALID_OTHER_WORDING: readonly string[] = [
  'add (%eax),(%ebx)', 'imul $1,(%eax)', 'movsbl (%eax),%ax', 'jmpl foo', 'nopw', 'stosb %al', 'movsb (%esi)', 'nopl', 'loopl 0x1000',
];

// Owns the semantic ids of the i386 integer instruction set (one `Op` per operation, the key
// the CPU's executor, the assembler's encoder and the AT&T formatter share) and the EFLAGS
// bit masks the opcode table uses to say which flags an instruction reads and writes.

/**
 * One value per operation, whatever its encodings: `add %eax,%ebx`, `addb $1,(%ecx)` and
 * `add $1,%ax` are all `Op.Add`; the operand kinds of the table entry say where the operands are.
 * Conditional families (Jcc, Setcc, Cmovcc) carry the condition in `OpcodeEntry.cond`.
 */
export enum Op {
  /** Not an instruction: unknown opcode or an encoding the CPU rejects (#UD). */
  Invalid,
  /** A real instruction outside the table (x87, MMX, SSE, system): #UD naming the opcode. */
  NotCovered,

  // Arithmetic and logic
  Add, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test,
  Inc, Dec, Not, Neg,
  // Shifts and rotates
  Rol, Ror, Rcl, Rcr, Shl, Shr, Sar, Shld, Shrd,
  // Multiply and divide: Mul/Imul1/Div/Idiv are the one-operand edx:eax forms,
  // Imul is the two- and three-operand truncating form.
  Mul, Imul1, Imul, Div, Idiv,
  // Bits
  Bt, Bts, Btr, Btc, Bsf, Bsr, Bswap,
  // Atomics
  Xadd, Cmpxchg, Cmpxchg8b, Xchg,
  // Data movement
  Mov, MovFromSeg, MovToSeg, Movzx, Movsx, Lea, Cbw, Cwd, Lahf, Sahf, Xlat, Salc,
  Lds, Les, Lfs, Lgs, Lss,
  // Strings (rep/repe/repne from the record's prefixes)
  Movs, Cmps, Stos, Lods, Scas, Ins, Outs,
  // Conditionals
  Jcc, Setcc, Cmovcc,
  // Stack
  Push, Pop, Pusha, Popa, Pushf, Popf, Enter, Leave,
  // Control transfer
  Call, CallIndirect, CallFar, CallFarIndirect,
  Jmp, JmpIndirect, JmpFar, JmpFarIndirect,
  Ret, RetFar, Iret, Loop, Loope, Loopne, Jcxz,
  // Flags
  Clc, Stc, Cmc, Cld, Std, Cli, Sti,
  // BCD
  Aaa, Aas, Daa, Das, Aam, Aad,
  // Traps and system
  Int3, Int1, Int, Into, Ud2, Hlt, Bound, Arpl, In, Out,
  Sysenter, Sysexit, Syscall, Sysret,
  Cpuid, Rdtsc, Rdtscp, Rdpid, Lfence, Mfence, Sfence, Pause, Nop,
  // Segment descriptors and system tables (user-mode probes and stores)
  Lar, Lsl, Verr, Verw, Sldt, Str, Sgdt, Sidt, Smsw,
  // x87 FPU (names are Intel's; the AT&T spelling is the table row's). Loads and stores:
  Fld, Fst, Fstp, Fild, Fist, Fistp, Fisttp, Fbld, Fbstp, Fxch,
  Fld1, Fldl2t, Fldl2e, Fldpi, Fldlg2, Fldln2, Fldz,
  // Arithmetic (the P forms pop; the I forms take an integer memory operand)
  Fadd, Faddp, Fiadd, Fmul, Fmulp, Fimul, Fsub, Fsubp, Fisub, Fsubr, Fsubrp, Fisubr,
  Fdiv, Fdivp, Fidiv, Fdivr, Fdivrp, Fidivr,
  Fchs, Fabs, Fsqrt, Fscale, Fprem, Fprem1, Frndint, Fxtract,
  // Compares and conditional moves
  Fcom, Fcomp, Fcompp, Fucom, Fucomp, Fucompp, Ficom, Ficomp, Fcomi, Fcomip, Fucomi, Fucomip, Ftst, Fxam,
  Fcmovb, Fcmove, Fcmovbe, Fcmovu, Fcmovnb, Fcmovne, Fcmovnbe, Fcmovnu,
  // Transcendental
  Fsin, Fcos, Fsincos, Fptan, Fpatan, F2xm1, Fyl2x, Fyl2xp1,
  // Stack and control
  Fdecstp, Fincstp, Ffree, Ffreep, Fnop, Fwait,
  Fldcw, Fnstcw, Fnstsw, Fnclex, Fninit, Fneni, Fndisi, Fnsetpm, Frstpm, Fldenv, Fnstenv, Frstor, Fnsave, Fxsave, Fxrstor,
}

/** Number of `Op` values: size of an executor's handler array indexed by Op. */
export const OP_COUNT = Op.Fxrstor + 1;

/** The x87 operations (Fld .. Fxrstor), executed by emulator/x86/fpu. */
export function isX87(op: Op): boolean {
  return op >= Op.Fld && op <= Op.Fxrstor;
}

/** Condition codes of Jcc/Setcc/Cmovcc: the low nibble of the opcode (o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g). */
export enum Cond { O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G }

/** EFLAGS bits, at their architectural positions. */
export const CF = 0x0001;
export const PF = 0x0004;
export const AF = 0x0010;
export const ZF = 0x0040;
export const SF = 0x0080;
export const TF = 0x0100;
export const IF = 0x0200;
export const DF = 0x0400;
export const OF = 0x0800;
/** The six arithmetic status flags. */
export const STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;

// Owns turning a CPU exception into the signal Linux sends for it (arch/x86/kernel/traps.c,
// fault.c): #PF -> SIGSEGV SEGV_MAPERR/SEGV_ACCERR at the fault address with the page-fault
// error code and cr2 (SIGBUS BUS_ADRERR for a file mapping's page past the end of the file); #UD -> SIGILL ILL_ILLOPN at the instruction; #DE -> SIGFPE FPE_INTDIV;
// #MF (x87) -> SIGFPE with the code of the first unmasked exception (fpu__exception_code);
// #DB single-step -> SIGTRAP TRAP_TRACE at the next instruction (a debug-register data
// breakpoint: TRAP_HWBKPT; int1, icebp: TRAP_BRKPT); int3 (#BP), #GP, into (#OF)
// and bound (#BR) -> force_sig with SI_KERNEL and no address, as do_trap sends them; #NP (a
// not-present segment loaded) -> SIGBUS the same way.
import type { Fault } from '../../x86/stop';
import { SIG } from '../linux-abi';
import { SI, TRAPNO } from './abi';
import type { QueuedSignal } from './state';

/** x86 page-fault error code bits. */
const PF_PROT = 1, PF_WRITE = 2, PF_USER = 4, PF_INSTR = 0x10;

/**
 * The signal for `fault` raised at user `ip` (the faulting instruction for faults, the next
 * instruction for traps: #DB, #BP, #OF).
 */
export function signalForFault(fault: Fault, ip: number): QueuedSignal {
  switch (fault.vector) {
    case 'PF': {
      const err = (fault.protection ? PF_PROT : 0) | (fault.access === 'write' ? PF_WRITE : 0) | PF_USER | (fault.access === 'execute' ? PF_INSTR : 0);
      const info = fault.pastEnd
        ? { signo: SIG.SIGBUS, code: SI.BUS_ADRERR, addr: fault.address >>> 0 }
        : { signo: SIG.SIGSEGV, code: fault.protection ? SI.SEGV_ACCERR : SI.SEGV_MAPERR, addr: fault.address >>> 0 };
      return { info, trap: { trapno: TRAPNO.PF, err, cr2: fault.address >>> 0 } };
    }
    case 'UD':
      return { info: { signo: SIG.SIGILL, code: SI.ILL_ILLOPN, addr: ip >>> 0 }, trap: { trapno: TRAPNO.UD, err: 0, cr2: 0 } };
    case 'DE':
      return { info: { signo: SIG.SIGFPE, code: SI.FPE_INTDIV, addr: ip >>> 0 }, trap: { trapno: TRAPNO.DE, err: 0, cr2: 0 } };
    case 'MF':
      return { info: { signo: SIG.SIGFPE, code: fault.code, addr: ip >>> 0 }, trap: { trapno: TRAPNO.MF, err: 0, cr2: 0 } };
    case 'DB':
      if (fault.reason === 'single-step') return singleStepTrap(ip);
      // int1 sets no DR6 bit: exc_debug_user sends it as TRAP_BRKPT (get_si_code of an empty DR6).
      return { info: { signo: SIG.SIGTRAP, code: fault.reason === 'icebp' ? SI.TRAP_BRKPT : SI.TRAP_HWBKPT, addr: ip >>> 0 }, trap: { trapno: TRAPNO.DB, err: 0, cr2: 0 } };
    case 'BP':
      return { info: { signo: SIG.SIGTRAP, code: SI.KERNEL }, trap: { trapno: TRAPNO.BP, err: 0, cr2: 0 } };
    case 'GP':
      return { info: { signo: SIG.SIGSEGV, code: SI.KERNEL }, trap: { trapno: TRAPNO.GP, err: fault.code, cr2: 0 } };
    case 'NP':
      return { info: { signo: SIG.SIGBUS, code: SI.KERNEL }, trap: { trapno: TRAPNO.NP, err: fault.code, cr2: 0 } };
    case 'OF':
      return { info: { signo: SIG.SIGSEGV, code: SI.KERNEL }, trap: { trapno: TRAPNO.OF, err: 0, cr2: 0 } };
    case 'BR':
      return { info: { signo: SIG.SIGSEGV, code: SI.KERNEL }, trap: { trapno: TRAPNO.BR, err: 0, cr2: 0 } };
  }
}

/** The SIGTRAP of a TF single-step, reported with the address of the next instruction. */
export function singleStepTrap(ip: number): QueuedSignal {
  return { info: { signo: SIG.SIGTRAP, code: SI.TRAP_TRACE, addr: ip >>> 0 }, trap: { trapno: TRAPNO.DB, err: 0, cr2: 0 } };
}

// Owns pipe/pipe2 and the descriptor copies: dup, dup2, dup3, and fcntl's F_DUPFD,
// F_DUPFD_CLOEXEC, F_GETFD and F_SETFD (close-on-exec, which execve honours).
import { E, O } from '../linux-abi';
import type { Process } from '../process';
import type { PtRegs } from '../seams';
import { newPipe } from '../vfs/pipe';
import { arg, copyOut, row, sarg, type SyscallRow } from './table';

export const F = { DUPFD: 0, GETFD: 1, SETFD: 2, DUPFD_CLOEXEC: 1030 } as const;
export const FD_CLOEXEC = 1;
/** pipe2's packet mode flag (accepted, not modelled). */
const O_DIRECT = 0o40000;

function pipe2(p: Process, fdsPtr: number, flags: number): number {
  if (flags & ~(O.CLOEXEC | O.NONBLOCK | O_DIRECT)) return -E.EINVAL;
  if (!p.memory.canWrite(fdsPtr, 8)) return -E.EFAULT;
  const [r, w] = newPipe(p.machine.nextPipeIno++);
  const rfd = p.fds.install(r, flags);
  if (rfd < 0) return rfd;
  const wfd = p.fds.install(w, flags);
  if (wfd < 0) {
    p.fds.close(rfd);
    return wfd;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, rfd, true);
  new DataView(out.buffer).setInt32(4, wfd, true);
  return copyOut(p, fdsPtr, out) ? 0 : -E.EFAULT;
}

function dup(p: Process, regs: PtRegs): number {
  const f = p.fds.get(sarg(regs, 0));
  return f ? p.fds.install(f) : -E.EBADF;
}

function dup3(p: Process, oldfd: number, newfd: number, flags: number, two: boolean): number {
  const f = p.fds.get(oldfd);
  if (!f) return -E.EBADF;
  if (oldfd === newfd) return two ? newfd : -E.EINVAL;
  if (flags & ~O.CLOEXEC) return -E.EINVAL;
  return p.fds.installAt(newfd, f, flags);
}

/** The fcntl commands on the descriptor itself; undefined for the others (fs.ts answers them). */
export function fcntlDescriptor(p: Process, fd: number, cmd: number, value: number): number | undefined {
  const f = p.fds.get(fd);
  if (!f) return -E.EBADF;
  switch (cmd) {
    case F.DUPFD:
    case F.DUPFD_CLOEXEC:
      if ((value | 0) < 0 || value >= p.fds.limit) return -E.EINVAL;
      return p.fds.install(f, cmd === F.DUPFD_CLOEXEC ? O.CLOEXEC : 0, value);
    case F.GETFD:
      return p.fds.closeOnExec(fd) ? FD_CLOEXEC : 0;
    case F.SETFD:
      p.fds.setCloseOnExec(fd, (value & FD_CLOEXEC) !== 0);
      return 0;
    default:
      return undefined;
  }
}

export const pipeRows: readonly SyscallRow[] = [
  row(41, 'dup', 'f', dup),
  row(42, 'pipe', 'x', (p, r) => pipe2(p, arg(r, 0), 0)),
  row(63, 'dup2', 'ff', (p, r) => dup3(p, sarg(r, 0), sarg(r, 1), 0, true)),
  row(330, 'dup3', 'ffx', (p, r) => dup3(p, sarg(r, 0), sarg(r, 1), arg(r, 2), false)),
  row(331, 'pipe2', 'xx', (p, r) => pipe2(p, arg(r, 0), arg(r, 1))),
];

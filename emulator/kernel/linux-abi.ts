// Owns the Linux i386 ABI facts the process model uses: system call numbers (names live in
// syscall-names.ts), errno values and names, flag constants (open, mmap, clocks, auxv), and
// the byte layouts of the structures the system calls read and write (stat64, statx,
// new_utsname, timespec/timeval in 32- and 64-bit time, sysinfo, rlimit64, iovec,
// user_desc, itimerval). Sigaction and signal frame layouts are the entry helper's.
export { SYSCALL_NAMES, syscallName } from './syscall-names';

/** i386 system call numbers the model implements or refers to (syscall_32.tbl). */
export const NR = {
  restart_syscall: 0, exit: 1, read: 3, write: 4, open: 5, close: 6, time: 13, lseek: 19, getpid: 20,
  setuid: 23, getuid: 24, alarm: 27, pause: 29, access: 33, kill: 37, brk: 45, setgid: 46, getgid: 47,
  geteuid: 49, getegid: 50, ioctl: 54, setpgid: 57, getppid: 64, setreuid: 70, setregid: 71,
  gettimeofday: 78, readlink: 85, munmap: 91, setitimer: 104, getitimer: 105, sysinfo: 116,
  sigreturn: 119, uname: 122, mprotect: 125, _llseek: 140, readv: 145, writev: 146, nanosleep: 162,
  mremap: 163, rt_sigreturn: 173, rt_sigaction: 174, rt_sigprocmask: 175, rt_sigsuspend: 179,
  mmap2: 192, stat64: 195, lstat64: 196, fstat64: 197, getuid32: 199, getgid32: 200, geteuid32: 201,
  getegid32: 202, setreuid32: 203, setregid32: 204, setresuid32: 208, getresuid32: 209,
  setresgid32: 210, getresgid32: 211, setuid32: 213, setgid32: 214, setfsuid32: 215, setfsgid32: 216,
  getresuid: 165, getresgid: 171, setresuid: 164, setresgid: 170, gettid: 224, futex: 240,
  set_thread_area: 243, get_thread_area: 244, exit_group: 252, set_tid_address: 258,
  clock_gettime: 265, clock_getres: 266, clock_nanosleep: 267, tgkill: 270, openat: 295,
  faccessat: 307, pselect6: 308, set_robust_list: 311, prlimit64: 340, getrandom: 355, statx: 383,
  clock_gettime64: 403, clock_getres_time64: 406, clock_nanosleep_time64: 407, pselect6_time64: 413,
  faccessat2: 439, rseq: 386,
} as const;

/** errno values (asm-generic/errno-base.h, errno.h) and the kernel-internal restart codes. */
export const E = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EMFILE: 24, ENOTTY: 25, EFBIG: 27,
  ENOSPC: 28, ESPIPE: 29, EROFS: 30, EPIPE: 32, ERANGE: 34, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39,
  ELOOP: 40, EOVERFLOW: 75, ETIMEDOUT: 110,
  ERESTARTSYS: 512, ERESTARTNOINTR: 513, ERESTARTNOHAND: 514, ERESTART_RESTARTBLOCK: 516,
} as const;

export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC',
  9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK',
  16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE',
  30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM', 34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG',
  37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM', 44: 'ECHRNG',
  45: 'EL2NSYNC', 46: 'EL3HLT', 47: 'EL3RST', 48: 'ELNRNG', 49: 'EUNATCH', 50: 'ENOCSI', 51: 'EL2HLT',
  52: 'EBADE', 53: 'EBADR', 54: 'EXFULL', 55: 'ENOANO', 56: 'EBADRQC', 57: 'EBADSLT', 59: 'EBFONT',
  60: 'ENOSTR', 61: 'ENODATA', 62: 'ETIME', 63: 'ENOSR', 64: 'ENONET', 65: 'ENOPKG', 66: 'EREMOTE',
  67: 'ENOLINK', 68: 'EADV', 69: 'ESRMNT', 70: 'ECOMM', 71: 'EPROTO', 72: 'EMULTIHOP', 73: 'EDOTDOT',
  74: 'EBADMSG', 75: 'EOVERFLOW', 76: 'ENOTUNIQ', 77: 'EBADFD', 78: 'EREMCHG', 79: 'ELIBACC', 80: 'ELIBBAD',
  81: 'ELIBSCN', 82: 'ELIBMAX', 83: 'ELIBEXEC', 84: 'EILSEQ', 85: 'ERESTART', 86: 'ESTRPIPE', 87: 'EUSERS',
  88: 'ENOTSOCK', 89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 91: 'EPROTOTYPE', 92: 'ENOPROTOOPT',
  93: 'EPROTONOSUPPORT', 94: 'ESOCKTNOSUPPORT', 95: 'EOPNOTSUPP', 96: 'EPFNOSUPPORT', 97: 'EAFNOSUPPORT',
  98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN', 101: 'ENETUNREACH', 102: 'ENETRESET',
  103: 'ECONNABORTED', 104: 'ECONNRESET', 105: 'ENOBUFS', 106: 'EISCONN', 107: 'ENOTCONN', 108: 'ESHUTDOWN',
  109: 'ETOOMANYREFS', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED', 112: 'EHOSTDOWN', 113: 'EHOSTUNREACH',
  114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 117: 'EUCLEAN', 118: 'ENOTNAM', 119: 'ENAVAIL',
  120: 'EISNAM', 121: 'EREMOTEIO', 122: 'EDQUOT', 123: 'ENOMEDIUM', 124: 'EMEDIUMTYPE', 125: 'ECANCELED',
  126: 'ENOKEY', 127: 'EKEYEXPIRED', 128: 'EKEYREVOKED', 129: 'EKEYREJECTED', 130: 'EOWNERDEAD',
  131: 'ENOTRECOVERABLE', 132: 'ERFKILL', 133: 'EHWPOISON',
  512: 'ERESTARTSYS', 513: 'ERESTARTNOINTR', 514: 'ERESTARTNOHAND', 516: 'ERESTART_RESTARTBLOCK',
};

/** "-ENOENT" style name of a negative result, or undefined for a non-error value. */
export function errnoName(result: number): string | undefined {
  if (result >= 0 || result < -4095) return undefined;
  return ERRNO_NAMES[-result] ?? `E${-result}`;
}

/** Open flags (asm-generic/fcntl.h, i386 values). */
export const O = {
  ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000,
  APPEND: 0o2000, NONBLOCK: 0o4000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, CLOEXEC: 0o2000000,
  PATH: 0o10000000, LARGEFILE: 0o100000,
} as const;
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EACCESS = 0x200;
export const AT_EMPTY_PATH = 0x1000;

/** File type bits of st_mode. */
export const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;

/** mmap flags and protections. */
export const MAP = { SHARED: 1, PRIVATE: 2, FIXED: 0x10, ANONYMOUS: 0x20, GROWSDOWN: 0x100, DENYWRITE: 0x800, NORESERVE: 0x4000, POPULATE: 0x8000, FIXED_NOREPLACE: 0x100000 } as const;
export const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
/** msync flags. */
export const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
/** madvise advice values. */
export const MADV = {
  NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, FREE: 8, REMOVE: 9, DONTFORK: 10, DOFORK: 11,
  MERGEABLE: 12, UNMERGEABLE: 13, HUGEPAGE: 14, NOHUGEPAGE: 15, DONTDUMP: 16, DODUMP: 17, WIPEONFORK: 18,
  KEEPONFORK: 19, COLD: 20, PAGEOUT: 21, POPULATE_READ: 22, POPULATE_WRITE: 23, DONTNEED_LOCKED: 24, COLLAPSE: 25,
  HWPOISON: 100, SOFT_OFFLINE: 101, GUARD_INSTALL: 102, GUARD_REMOVE: 103,
} as const;

/** Clock ids. */
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4, REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11 } as const;
export const TIMER_ABSTIME = 1;

/** Aux vector entry types (uapi/linux/auxvec.h, asm/auxvec.h). */
export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12,
  GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26,
  EXECFN: 31, SYSINFO: 32, SYSINFO_EHDR: 33, MINSIGSTKSZ: 51,
} as const;

/** Signal numbers (i386). */
export const SIG = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17,
  SIGCONT: 18, SIGSTOP: 19, SIGURG: 23, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGSYS: 31,
} as const;
const SIGNAL_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(SIG).map(([n, v]) => [v, n]));
export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? `SIG${signal}`;
}
/** si_code values used by the kernel-sent signals here. */
export const SI_KERNEL = 0x80, SI_USER = 0, SI_TKILL = -6, SI_TIMER = -2;

export const TCGETS = 0x5401, TIOCGWINSZ = 0x5413;
export const FUTEX = { WAIT: 0, WAKE: 1, REQUEUE: 3, CMP_REQUEUE: 4, PRIVATE_FLAG: 128, CLOCK_REALTIME: 256, WAIT_BITSET: 9, WAKE_BITSET: 10 } as const;
export const RLIMIT = { CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9 } as const;
export const RLIM_INFINITY = 0xffffffffffffffffn;
export const ITIMER = { REAL: 0, VIRTUAL: 1, PROF: 2 } as const;
export const GRND_NONBLOCK = 1, GRND_RANDOM = 2;

// ---- structure layouts ----

/** A little-endian byte builder for structures copied to the guest. */
export class StructWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(at: number, v: number): this {
    this.view.setUint8(at, v & 0xff);
    return this;
  }
  u16(at: number, v: number): this {
    this.view.setUint16(at, v & 0xffff, true);
    return this;
  }
  u32(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }
  i32(at: number, v: number): this {
    this.view.setInt32(at, v | 0, true);
    return this;
  }
  u64(at: number, v: bigint | number): this {
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true);
    return this;
  }
  i64(at: number, v: bigint | number): this {
    this.view.setBigInt64(at, BigInt.asIntN(64, BigInt(v)), true);
    return this;
  }
  text(at: number, s: string, field: number): this {
    const b = new TextEncoder().encode(s).subarray(0, field - 1);
    this.bytes.set(b, at);
    return this;
  }
}

/** Little-endian reads from a structure copied from the guest. */
export function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
export function le64(b: Uint8Array, at: number): bigint {
  return BigInt(le32(b, at)) | (BigInt(le32(b, at + 4)) << 32n);
}

/** What stat64/statx report about a file (host facts, already mapped to guest ids). */
export interface FileFacts {
  readonly dev: number;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  readonly blocks: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

const NS = 1_000_000_000n;
function secNs(t: bigint): [bigint, number] {
  const s = t / NS;
  return [s, Number(t - s * NS)];
}

/** struct stat64 (i386, 96 bytes). */
export const STAT64_SIZE = 96;
export function writeStat64(f: FileFacts): Uint8Array {
  const w = new StructWriter(STAT64_SIZE);
  w.u64(0, f.dev).u32(12, f.ino).u32(16, f.mode).u32(20, f.nlink).u32(24, f.uid).u32(28, f.gid);
  w.u64(32, f.rdev).i64(44, f.size).u32(52, f.blksize).u64(56, f.blocks);
  const times: Array<[number, bigint]> = [[64, f.atimeNs], [72, f.mtimeNs], [80, f.ctimeNs]];
  for (const [at, t] of times) {
    const [s, ns] = secNs(t);
    w.u32(at, Number(BigInt.asUintN(32, s))).u32(at + 4, ns);
  }
  return w.u64(88, f.ino).bytes;
}

/** struct statx (256 bytes); every basic field is filled (STATX_BASIC_STATS). */
export const STATX_SIZE = 256;
export const STATX_BASIC_STATS = 0x7ff;
export function writeStatx(f: FileFacts): Uint8Array {
  const w = new StructWriter(STATX_SIZE);
  w.u32(0, STATX_BASIC_STATS).u32(4, f.blksize).u32(16, f.nlink).u32(20, f.uid).u32(24, f.gid);
  w.u16(28, f.mode).u64(32, f.ino).u64(40, f.size).u64(48, f.blocks);
  const times: Array<[number, bigint]> = [[64, f.atimeNs], [96, f.ctimeNs], [112, f.mtimeNs]];
  for (const [at, t] of times) {
    const [s, ns] = secNs(t);
    w.i64(at, s).u32(at + 8, ns);
  }
  w.u32(128, f.rdev >>> 8).u32(132, f.rdev & 0xff).u32(136, f.dev >>> 8).u32(140, f.dev & 0xff);
  return w.bytes;
}

/** struct new_utsname: six 65-byte fields. */
export const UTSNAME_SIZE = 390;
export function writeUtsname(u: { sysname: string; nodename: string; release: string; version: string; machine: string; domainname: string }): Uint8Array {
  const w = new StructWriter(UTSNAME_SIZE);
  [u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname].forEach((s, i) => w.text(i * 65, s, 65));
  return w.bytes;
}

/** struct old_timespec32 / timeval (8 bytes: two 32-bit fields). */
export function writeTime32(sec: bigint, sub: number): Uint8Array {
  return new StructWriter(8).i32(0, Number(BigInt.asIntN(32, sec))).i32(4, sub).bytes;
}
/** struct __kernel_timespec (16 bytes: 64-bit seconds and nanoseconds). */
export function writeTime64(sec: bigint, nsec: number): Uint8Array {
  return new StructWriter(16).i64(0, sec).i64(8, nsec).bytes;
}
/** Reads a 32-bit timespec/timeval as [seconds, sub-second field]. */
export function readTime32(b: Uint8Array): [bigint, number] {
  return [BigInt(le32(b, 0) | 0), le32(b, 4) | 0];
}
export function readTime64(b: Uint8Array): [bigint, number] {
  return [BigInt.asIntN(64, le64(b, 0)), Number(BigInt.asIntN(64, le64(b, 8)))];
}

/** struct sysinfo (i386, 64 bytes). */
export const SYSINFO_SIZE = 64;
export function writeSysinfo(s: { uptime: number; totalram: number; freeram: number; procs: number }): Uint8Array {
  const w = new StructWriter(SYSINFO_SIZE);
  return w.u32(0, s.uptime).u32(16, s.totalram).u32(20, s.freeram).u16(40, s.procs).u32(52, 1).bytes;
}

/** struct rlimit64 (16 bytes). */
export function writeRlimit64(cur: bigint, max: bigint): Uint8Array {
  return new StructWriter(16).u64(0, cur).u64(8, max).bytes;
}

/** struct iovec (i386: base, len). */
export const IOVEC_SIZE = 8;

/** struct user_desc (16 bytes): entry_number, base_addr, limit, then the flag bits. */
export interface UserDesc {
  entryNumber: number;
  baseAddr: number;
  limit: number;
  seg32bit: boolean;
  contents: number;
  readExecOnly: boolean;
  limitInPages: boolean;
  segNotPresent: boolean;
  useable: boolean;
}
export const USER_DESC_SIZE = 16;
export function readUserDesc(b: Uint8Array): UserDesc {
  const f = le32(b, 12);
  return {
    entryNumber: le32(b, 0) | 0,
    baseAddr: le32(b, 4),
    limit: le32(b, 8),
    seg32bit: (f & 1) !== 0,
    contents: (f >>> 1) & 3,
    readExecOnly: (f & 8) !== 0,
    limitInPages: (f & 16) !== 0,
    segNotPresent: (f & 32) !== 0,
    useable: (f & 64) !== 0,
  };
}
export function writeUserDesc(d: UserDesc): Uint8Array {
  const f = (d.seg32bit ? 1 : 0) | (d.contents << 1) | (d.readExecOnly ? 8 : 0) | (d.limitInPages ? 16 : 0) | (d.segNotPresent ? 32 : 0) | (d.useable ? 64 : 0);
  return new StructWriter(USER_DESC_SIZE).u32(0, d.entryNumber).u32(4, d.baseAddr).u32(8, d.limit).u32(12, f).bytes;
}

/** struct itimerval with 32-bit timevals (16 bytes): interval then value. */
export function writeItimerval(intervalUs: bigint, valueUs: bigint): Uint8Array {
  const w = new StructWriter(16);
  const M = 1_000_000n;
  return w.i32(0, Number(intervalUs / M)).i32(4, Number(intervalUs % M)).i32(8, Number(valueUs / M)).i32(12, Number(valueUs % M)).bytes;
}

// Owns running a static i386 program under qemu-i386's gdbstub and driving gdb (batch mode,
// its Python API) to stop at breakpoints and single-step from them; at each stop gdb records
// the innermost registers, a dump of the stack from esp up to the end of its mapping, and its
// own backtrace (past main): each frame's pc, type and registers as gdb unwound them, null
// where gdb says <not saved>. The unwinder tests replay their unwinder on the same snapshot.
import { runGdbScripts } from '../support/qemu-gdb';

/** gdb's names for the DWARF-numbered registers 0..9. */
export const GDB_REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'];

export interface GdbFrame {
  readonly pc: number;
  /** gdb.Frame.type(): 0 NORMAL, 4 SIGTRAMP... */
  readonly type: number;
  /** By DWARF number 0..9; null where gdb cannot recover the register. */
  readonly regs: readonly (number | null)[];
}

export interface Snapshot {
  readonly label: string;
  readonly frames: readonly GdbFrame[];
  /** gdb's reason for ending the backtrace after the last frame ("outermost"...). */
  readonly stop: string;
  /** The address of `stack` (frame 0's esp). */
  readonly stackAddress: number;
  readonly stack: Uint8Array;
}

const SCRIPT = String.raw`
import gdb, json, time
cfg = json.load(open(CONFIG))
out = open(cfg['out'], 'w')
REGS = ${JSON.stringify(GDB_REGISTERS)}

def reg(frame, name):
    try:
        v = frame.read_register(name)
        if v.is_optimized_out:
            return None
        try:
            return int(v) & 0xffffffff
        except (gdb.error, TypeError, ValueError):
            return int(v.cast(gdb.lookup_type('int'))) & 0xffffffff
    except gdb.error:
        return None

def readable(inf, addr, size):
    try:
        inf.read_memory(addr, size)
        return True
    except gdb.MemoryError:
        return False

LONGEST = (1 << 21) - 16
stack_end = []

def stack_from(inf, sp):
    # The most 16-byte steps readable from sp, at most LONGEST bytes. The end of the readable
    # bytes found at one stop serves the next while it is still the end (readable up to it,
    # not at it): two reads instead of a binary search of the sizes from sp.
    if stack_end and stack_end[0] > sp and not readable(inf, stack_end[0], 1):
        try:
            whole = bytes(inf.read_memory(sp, stack_end[0] - sp))
            size = min(LONGEST, len(whole) // 16 * 16)
            return size, whole[:size]
        except gdb.MemoryError:
            pass
    size = 0
    step = 1 << 20
    while step >= 16:
        if readable(inf, sp, size + step):
            size += step
        step >>= 1
    end = sp + size
    step = 8
    while step >= 1:
        if readable(inf, end, step):
            end += step
        step >>= 1
    del stack_end[:]
    if size < LONGEST:
        stack_end.append(end)
    return size, bytes(inf.read_memory(sp, size)) if size else b''

def snapshot(label):
    frames = []
    f = gdb.newest_frame()
    last = f
    while f is not None and len(frames) < 300:
        frames.append({'pc': f.pc(), 'type': f.type(), 'regs': [reg(f, n) for n in REGS]})
        last = f
        try:
            f = f.older()
        except gdb.error:
            break
    stop = gdb.frame_stop_reason_string(last.unwind_stop_reason())
    sp = frames[0]['regs'][4]
    inf = gdb.selected_inferior()
    size, mem = stack_from(inf, sp)
    out.write(json.dumps({'label': label, 'frames': frames, 'stop': stop, 'stackAddress': sp, 'stack': mem.hex()}) + '\n')
    out.flush()

gdb.execute('set pagination off')
gdb.execute('set confirm off')
gdb.execute('set backtrace past-main on')
gdb.execute('set backtrace past-entry on')
for s in cfg['signals']:
    gdb.execute('handle %s stop print pass' % s)
connect(cfg['port'])
for b in cfg['breakpoints']:
    gdb.execute('break %s' % b, to_string=True)

def alive():
    return len(gdb.selected_inferior().threads()) > 0

last_stop = []
gdb.events.stop.connect(lambda event: last_stop.append(isinstance(event, gdb.SignalEvent)))

hits = 0
while hits < cfg['maxHits']:
    del last_stop[:]
    try:
        gdb.execute('continue', to_string=True)
    except gdb.error:
        break
    if not alive():
        break
    pc = gdb.newest_frame().pc()
    if last_stop and last_stop[-1]:
        snapshot('signal at 0x%x' % pc)
        continue
    hits += 1
    snapshot('hit %d at 0x%x' % (hits, pc))
    for i in range(cfg['steps']):
        try:
            gdb.execute('stepi', to_string=True)
        except gdb.error:
            break
        if not alive():
            break
        snapshot('hit %d step %d' % (hits, i + 1))
out.close()
try:
    gdb.execute('kill')
except gdb.error:
    pass
`;

export interface GdbRun {
  readonly program: string;
  /** gdb break locations ("*leaf"). */
  readonly breakpoints: readonly string[];
  /** stepi count after each breakpoint hit, with a snapshot after each. */
  readonly steps: number;
  readonly maxHits: number;
  /**
   * Signals ("SIGUSR1") at whose delivery gdb stops (a snapshot labelled "signal ...": the
   * interrupted context as gdb sees it) before passing them to the program.
   */
  readonly signals?: readonly string[];
}

/** Runs the program under qemu-i386 -g and gdb; returns gdb's snapshots. */
export function gdbSnapshots(run: GdbRun): Snapshot[] {
  return gdbSnapshotsOf([run])[0]!;
}

/** gdbSnapshots of each run, all in one gdb (runGdbScripts). */
export function gdbSnapshotsOf(runs: readonly GdbRun[]): Snapshot[][] {
  const configs = runs.map((run) => ({ breakpoints: run.breakpoints, steps: run.steps, maxHits: run.maxHits, signals: run.signals ?? [] }));
  return runGdbScripts(runs.map((run) => run.program), SCRIPT, configs, 64 << 20).map(({ lines }) => lines.map((line) => {
    const s = JSON.parse(line) as { label: string; frames: GdbFrame[]; stop: string; stackAddress: number; stack: string };
    return { ...s, stack: new Uint8Array(Buffer.from(s.stack, 'hex')) };
  }));
}

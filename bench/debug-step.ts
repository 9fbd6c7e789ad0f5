// Owns the debugger's latency benchmark: the debug adapter in process, driven as VS Code
// drives an inline adapter (handleMessage / onDidSendMessage), on the getpid round-trip
// program (calls through __kernel_vsyscall into the kernel model). A step cycle is what VS
// Code sends for each Step Into: stepIn, then after the stopped event stackTrace, scopes,
// and variables of every scope; its median over 1,000 steps. A reverse step is stepBack to
// its stopped event and the same requests; its median over 50 steps back, on a long run:
// the guest continued to a breakpoint about LONG_RUN instructions in (checkpoints every 10^6
// instructions, the default), and also the first step back there alone (the replay from the
// checkpoint before it, which the later ones do not repeat).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VdsoDebugSession } from '../debug-adapter/session';
import { roundTripElf } from './vsyscall-roundtrip';

export interface DebugStepLatency {
  readonly stepCycleMs: number;
  readonly reverseStepMs: number;
  /** The first step back after the continue (a replay from the checkpoint before it). */
  readonly firstReverseStepMs: number;
  readonly steps: number;
  /** Instructions run when the steps back began, about. */
  readonly instructionsIn: number;
}

/** Instructions the guest runs before the steps back: a long run, many checkpoints behind. */
export const LONG_RUN = 50_000_000;
/** Instructions per round trip of the guest's loop (mov, call, the stub and the kernel model, dec, jnz), about. */
const PER_CALL = 13;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

class InlineClient {
  private seq = 1;
  private readonly waiting = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly events: Array<{ name: string; done: (e: DebugProtocol.Event) => void }> = [];

  constructor(private readonly session: VdsoDebugSession) {
    session.onDidSendMessage((m) => {
      const msg = m as DebugProtocol.ProtocolMessage;
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        this.waiting.get(r.request_seq)?.(r);
        this.waiting.delete(r.request_seq);
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        const k = this.events.findIndex((w) => w.name === e.event);
        if (k >= 0) this.events.splice(k, 1)[0]!.done(e);
      }
    });
  }

  request(command: string, args: object = {}): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    return new Promise((done, fail) => {
      this.waiting.set(seq, (r) => (r.success ? done(r) : fail(new Error(`${command}: ${r.message}`))));
      this.session.handleMessage({ seq, type: 'request', command, arguments: args } as DebugProtocol.Request);
    });
  }

  event(name: string): Promise<DebugProtocol.Event> {
    return new Promise((done) => this.events.push({ name, done }));
  }
}

export async function runDebugStepBench(options: { steps?: number; backSteps?: number } = {}): Promise<DebugStepLatency> {
  const steps = options.steps ?? 1000;
  const backSteps = options.backSteps ?? 50;
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-dbg-'));
  const program = join(dir, 'roundtrip');
  const calls = Math.ceil(LONG_RUN / PER_CALL) + 1000;
  writeFileSync(program, roundTripElf(calls));
  const session = new VdsoDebugSession();
  const c = new InlineClient(session);
  try {
    await c.request('initialize', { adapterID: 'vdso', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const stopped = c.event('stopped');
    const launched = c.request('launch', { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: true });
    await c.request('configurationDone');
    await launched;
    await stopped;
    const cycle = async (command: string): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const stop = c.event('stopped');
      await c.request(command, { threadId: 1, granularity: 'instruction' });
      await stop;
      const trace = await c.request('stackTrace', { threadId: 1, startFrame: 0, levels: 20 }) as DebugProtocol.StackTraceResponse;
      const frameId = trace.body.stackFrames[0]!.id;
      const scopes = await c.request('scopes', { frameId }) as DebugProtocol.ScopesResponse;
      for (const s of scopes.body.scopes) await c.request('variables', { variablesReference: s.variablesReference });
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const forward: number[] = [];
    for (let k = 0; k < steps; k++) forward.push(await cycle('stepIn'));
    // On to the end of the loop: about LONG_RUN instructions in.
    const at = await c.request('setFunctionBreakpoints', { breakpoints: [{ name: 'done' }] }) as DebugProtocol.SetFunctionBreakpointsResponse;
    if (!at.body.breakpoints[0]?.verified) throw new Error('bench: no breakpoint at the end of the loop');
    const hit = c.event('stopped');
    await c.request('continue', { threadId: 1 });
    const stop = await hit as DebugProtocol.StoppedEvent;
    if (stop.body.reason !== 'function breakpoint') throw new Error(`bench: the continue stopped for ${stop.body.reason}`);
    const back: number[] = [];
    for (let k = 0; k < backSteps; k++) back.push(await cycle('stepBack'));
    return { stepCycleMs: median(forward), reverseStepMs: median(back), firstReverseStepMs: back[0]!, steps, instructionsIn: calls * PER_CALL };
  } finally {
    session.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

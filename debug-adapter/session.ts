// Owns the DAP session for debug type `vdso`: one instance per client connection. It only
// translates between DAP and the debugger runtime (emulator/debug/runtime.ts): requests
// become runtime calls, the runtime's typed events become DAP events, and it keeps the
// DAP-side bookkeeping (variable handles, the configurationDone gate, hex formatting).
import {
  Breakpoint, ExitedEvent, Response, Source, Handles, InitializedEvent, InvalidatedEvent, LoggingDebugSession, MemoryEvent, OutputEvent, Scope,
  StackFrame, StoppedEvent, TerminatedEvent, Thread, type ErrorDestination,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugRuntime } from '../emulator/debug/runtime';
import { KERNEL_DOCUMENT_LANGUAGE, type LaunchArguments } from '../emulator/debug/launch-schema';
import type { BreakpointResult, DebugHost, RuntimeFrame, StopEvent, StopReason } from '../emulator/debug/types';
import { nodeDebugHost } from './node-host';
import { evaluateExpression } from '../emulator/debug/evaluate';
import { frameContext } from '../emulator/debug/eval-context';
import { expressionTarget, registerTarget, type DataTarget } from '../emulator/debug/data-targets';
import { EFLAGS_BITS } from '../emulator/debug/state-edit';
import { hex8, scopeVariables, type ScopeRef } from './variables';
import type { GeneratedSource } from '../emulator/debug/generated-source';
import { argumentsProblem } from './request-arguments';

/** The launch request's arguments: emulator/debug/launch-schema.ts's, which package.json repeats. */
export interface VdsoLaunchArguments extends DebugProtocol.LaunchRequestArguments, LaunchArguments {}

const THREAD_ID = 1;
/** How long launch waits for configurationDone before it runs anyway (as mock-debug). */
const CONFIGURATION_WAIT_MS = 2000;

const DAP_REASONS: Record<StopReason, string> = {
  'entry': 'entry', 'step': 'step', 'pause': 'pause', 'breakpoint': 'breakpoint',
  'instruction-breakpoint': 'instruction breakpoint', 'function-breakpoint': 'function breakpoint',
  'data-breakpoint': 'data breakpoint', 'kernel-event': 'exception', 'exception': 'exception',
};

function parseAddress(reference: string, offset = 0): number | undefined {
  const t = reference.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  const n = Number(t);
  return n > 0xffffffff ? undefined : (n + offset) >>> 0;
}

function dapBreakpoint(r: BreakpointResult): DebugProtocol.Breakpoint {
  const b: DebugProtocol.Breakpoint = new Breakpoint(r.verified);
  b.id = r.id;
  if (r.address !== undefined) b.instructionReference = hex8(r.address);
  if (r.message) b.message = r.message;
  return b;
}

export class VdsoDebugSession extends LoggingDebugSession {
  private readonly runtime: DebugRuntime;
  private readonly handles = new Handles<ScopeRef>();
  private frames: RuntimeFrame[] | undefined;
  private configured = false;
  private readonly configurationWaiters: Array<() => void> = [];
  /** Where relative launch paths start (the launch configuration's cwd, else the process's). */
  private cwd = process.cwd();
  /** Disassembly shown as the source of frames no line table covers, by sourceReference. */
  private readonly generated = new Map<number, GeneratedSource>();
  /** The kernel model's documents (one per system call stepped into), by sourceReference. */
  private readonly kernelDocuments = new Map<number, string>();
  /** The adapter's log, one line per problem: the transport's (logTo); without a transport, none. */
  private log: (line: string) => void = () => undefined;

  constructor(host?: DebugHost) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.runtime = new DebugRuntime(host ?? nodeDebugHost(() => this.cwd));
    this.runtime.events.on('stopped', (e) => this.onStopped(e));
    this.runtime.events.on('output', (e) => this.sendEvent(new OutputEvent(e.text, e.category)));
    this.runtime.events.on('exited', (e) => {
      this.sendEvent(new OutputEvent(`vdso-lab: the program ${e.description}\n`, 'console'));
      this.sendEvent(new ExitedEvent(e.status));
      this.sendEvent(new TerminatedEvent());
    });
  }

  private onStopped(e: StopEvent): void {
    this.frames = undefined;
    this.handles.reset();
    if (e.syscalls.length && (e.reason === 'step' || e.reason === 'kernel-event')) {
      const last = e.syscalls[e.syscalls.length - 1]!;
      const exit = last.exitPath ? `${last.exitPath.toUpperCase()} (${last.exitReason})` : 'none (the call did not return)';
      this.sendEvent(new OutputEvent(`vdso-lab: ${last.name} entered by ${last.via} at ${hex8(last.entryAddress)}, exit path ${exit}, returned to ${this.runtime.where(last.returnedTo)}\n`, 'console'));
    }
    const event = new StoppedEvent(DAP_REASONS[e.reason], THREAD_ID, e.reason === 'exception' || e.reason === 'kernel-event' ? e.description : undefined);
    const body = event.body as DebugProtocol.StoppedEvent['body'];
    body.description = e.description;
    if (e.breakpointIds.length) body.hitBreakpointIds = [...e.breakpointIds];
    this.sendEvent(event);
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    this.sendErrorResponse(response, { id: 1001, format: message, showUser: true, variables: {} });
  }

  /** Arguments of the wrong shape are refused with one line before any handler reads them. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = argumentsProblem(request.command, request.arguments);
    if (problem === undefined) return super.dispatchRequest(request);
    const response: DebugProtocol.Response = new Response(request);
    this.sendErrorResponse(response, { id: 1003, format: problem, showUser: true, variables: {} });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsInstructionBreakpoints: true,
      supportsFunctionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsSteppingGranularity: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsBreakpointLocationsRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsWriteMemoryRequest: true,
      supportsTerminateRequest: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: [
        { filter: 'syscall', label: 'System call', description: 'stop where the kernel model returns after a system call', supportsCondition: true, conditionDescription: 'names or numbers, comma-separated (write, 4)' },
        { filter: 'exit-path', label: 'Exit path chosen', description: 'stop after the kernel returns by one of these exit paths', supportsCondition: true, conditionDescription: 'iret, sysexit, sysretl (comma-separated; empty: any)' },
        { filter: 'signal', label: 'Signal delivered', description: 'stop at a signal handler the kernel model just entered' },
      ],
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    for (const w of this.configurationWaiters.splice(0)) w();
    this.sendResponse(response);
  }

  private waitForConfiguration(): Promise<void> {
    if (this.configured) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(done, CONFIGURATION_WAIT_MS);
      this.configurationWaiters.push(() => {
        clearTimeout(timer);
        done();
      });
    });
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, given: VdsoLaunchArguments | undefined): Promise<void> {
    const args: VdsoLaunchArguments = given ?? {};
    try {
      if (args.cwd !== undefined && typeof args.cwd !== 'string') throw new Error('launch configuration: "cwd": must be a folder path');
      if (args.cwd) this.cwd = args.cwd;
      this.runtime.launch({
        program: args.program as string, vdso: args.vdso, cpu: args.cpu, kernel: args.kernel, abi: args.abi,
        args: args.args, env: args.env, root: args.root, stopOnEntry: args.stopOnEntry, sourceFileMap: args.sourceFileMap, timeout: args.timeout,
      });
    } catch (e) {
      this.fail(response, e);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.runtime.evaluateForBreakpoint = (expression) => {
      const r = evaluateExpression(expression, frameContext(this.runtime, [], 0));
      return r.kind === 'value' ? { value: r.value } : { error: r.kind === 'error' ? r.message : 'not a value' };
    };
    this.sendEvent(new InitializedEvent());
    await this.waitForConfiguration();
    this.sendResponse(response);
    this.runtime.start(args.stopOnEntry === true);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path ?? args.source.name ?? '';
    const specs = (args.breakpoints ?? []).map((b) => ({ line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage }));
    if (!this.runtime.loaded) {
      response.body = { breakpoints: specs.map(() => ({ verified: false, message: 'no program is loaded' })) };
      return this.sendResponse(response);
    }
    const results = this.runtime.setLineBreakpoints(path, specs);
    response.body = {
      breakpoints: results.map((r, i) => ({ ...dapBreakpoint(r), line: r.line !== undefined ? this.convertDebuggerLineToClient(r.line) : args.breakpoints?.[i]?.line, ...(r.verified ? { source: args.source } : {}) })),
    };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const path = args.source.path ?? args.source.name ?? '';
    const lines = this.runtime.loaded ? this.runtime.breakpointLines(path, this.convertClientLineToDebugger(args.line), args.endLine === undefined ? undefined : this.convertClientLineToDebugger(args.endLine)) : [];
    response.body = { breakpoints: lines.map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    try {
      const addresses = args.breakpoints.map((b) => {
        const a = parseAddress(b.instructionReference, b.offset ?? 0);
        if (a === undefined) throw new Error(`instruction breakpoint: '${b.instructionReference.slice(0, 40)}' is not an address`);
        return a;
      });
      response.body = { breakpoints: this.runtime.setInstructionBreakpoints(addresses).map(dapBreakpoint) };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    try {
      response.body = { breakpoints: this.runtime.setFunctionBreakpoints(args.breakpoints.map((b) => b.name)).map(dapBreakpoint) };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const options = new Map<string, string>();
    for (const f of args.filters) options.set(f, '');
    for (const o of args.filterOptions ?? []) options.set(o.filterId, o.condition ?? '');
    const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
    const syscall = options.has('syscall') ? { only: list(options.get('syscall')) } : undefined;
    const exitPath = options.has('exit-path') ? { paths: list(options.get('exit-path')) } : undefined;
    if (this.runtime.loaded) this.runtime.setKernelEventBreakpoints({ syscall, exitPath, signal: options.has('signal') });
    response.body = { breakpoints: [...options.keys()].map(() => ({ verified: this.runtime.loaded })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const target = this.dataTargetOf(args);
    if ('error' in target) response.body = { dataId: null, description: target.error };
    else response.body = { dataId: `${hex8(target.address)}:${target.length}`, description: target.description, accessTypes: ['write', 'readWrite'], canPersist: false };
    this.sendResponse(response);
  }

  /** A register in the Variables view watches where it points; a Watch expression or address, the memory it names. */
  private dataTargetOf(args: DebugProtocol.DataBreakpointInfoArguments): DataTarget | { readonly error: string } {
    if (!this.runtime.loaded) return { error: 'no program is loaded' };
    const ref = args.variablesReference ? this.handles.get(args.variablesReference) : undefined;
    if (ref) {
      if (ref.kind === 'eflags' || ref.kind === 'syscall' || ref.kind === 'fpu') return { error: `${args.name} is not memory: watch a register that points, or an address` };
      const v = scopeVariables(ref, this.runtime, this.stack(), (r) => this.handles.create(r)).find((x) => x.name === args.name);
      const value = v?.memoryReference !== undefined ? Number(v.memoryReference) : undefined;
      return value === undefined ? { error: `${args.name} has no value here` } : registerTarget(args.name, value);
    }
    const level = args.frameId ?? 0;
    return expressionTarget(args.name, this.runtime, this.stack(), level);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    try {
      const targets = args.breakpoints.map((b) => {
        const m = /^(0x[0-9a-f]+):(\d+)$/i.exec(b.dataId);
        if (!m) throw new Error(`data breakpoint: '${b.dataId.slice(0, 40)}' is not a dataId from dataBreakpointInfo`);
        return { address: Number(m[1]), length: Number(m[2]), access: b.accessType === 'readWrite' || b.accessType === 'read' ? 'readWrite' as const : 'write' as const };
      });
      response.body = { breakpoints: this.runtime.setDataBreakpoints(targets).map(dapBreakpoint) };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, this.runtime.threadName())] };
    this.sendResponse(response);
  }

  private stack(): RuntimeFrame[] {
    this.frames ??= this.runtime.stack();
    return this.frames;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    try {
      const all = this.stack();
      const start = args.startFrame ?? 0;
      const end = args.levels ? start + args.levels : all.length;
      const frames = all.slice(start, end).map((f): DebugProtocol.StackFrame => {
        if (f.kind === 'label') {
          const label: DebugProtocol.StackFrame = new StackFrame(f.level, f.text);
          label.presentationHint = 'label';
          return label;
        }
        const frame: DebugProtocol.StackFrame = new StackFrame(f.level, f.symbol);
        frame.instructionPointerReference = hex8(f.pc);
        if (f.kernel) {
          const kernel = this.runtime.kernelFrame()!;
          this.kernelDocuments.set(f.kernel.reference, kernel.text);
          frame.source = { name: kernel.name, sourceReference: f.kernel.reference, origin: 'the kernel model (read-only)', presentationHint: 'emphasize' };
          frame.line = this.convertDebuggerLineToClient(f.kernel.line);
          frame.column = this.convertDebuggerColumnToClient(1);
        } else if (f.source) {
          frame.source = new Source(f.source.path.slice(f.source.path.lastIndexOf('/') + 1), this.convertDebuggerPathToClient(f.source.path));
          frame.line = this.convertDebuggerLineToClient(f.source.line);
          frame.column = this.convertDebuggerColumnToClient(Math.max(f.source.column, 1));
        } else {
          const generated = this.runtime.generatedSource(f.pc);
          const reference = generated.key || 1;
          this.generated.set(reference, generated);
          frame.source = { name: generated.name, sourceReference: reference, origin: 'disassembly (no line table covers this code)' };
          frame.line = this.convertDebuggerLineToClient(Math.max(1, generated.addresses.indexOf(f.pc) + 1));
          frame.column = this.convertDebuggerColumnToClient(1);
        }
        return frame;
      });
      response.body = { stackFrames: frames, totalFrames: all.length };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const level = args.frameId;
    const top = this.stack()[level];
    const scopes: DebugProtocol.Scope[] = top?.kind === 'frame' && top.kernel ? [
      new Scope('pt_regs', this.handles.create({ kind: 'pt_regs', at: 'phase' }), false),
      new Scope('User registers (at the entry instruction)', this.handles.create({ kind: 'registers', level: 0 }), false),
    ] : [
      new Scope(level === 0 ? 'Registers' : `Registers (frame ${level}, unwound)`, this.handles.create({ kind: 'registers', level }), false),
      new Scope("Caller's registers (CFI)", this.handles.create({ kind: 'caller', level }), false),
      new Scope('pt_regs', this.handles.create({ kind: 'pt_regs', at: 'entry' }), false),
      new Scope('Last system call', this.handles.create({ kind: 'syscall' }), false),
      ...(level === 0 ? [new Scope('x87 FPU', this.handles.create({ kind: 'fpu' }), false)] : []),
    ];
    for (const s of scopes) (s as DebugProtocol.Scope).presentationHint = 'registers';
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    try {
      const ref = this.handles.get(args.variablesReference);
      response.body = { variables: ref ? scopeVariables(ref, this.runtime, this.stack(), (r) => this.handles.create(r)) : [] };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    // Answered before the guest runs, so a refusal must come first: never two responses.
    if (!this.runtime.loaded) return this.fail(response, new Error('continue: no program is loaded (launch first)'));
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.runtime.continue();
  }

  private step(response: DebugProtocol.Response, action: () => void): void {
    try {
      action();
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, () => (args.granularity === 'instruction' ? this.runtime.stepOver() : this.runtime.stepLine('over')));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, () => (args.granularity === 'instruction' ? this.runtime.stepInstruction() : this.runtime.stepLine('in')));
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const reference = args.sourceReference ?? args.source?.sourceReference ?? 0;
    const kernel = this.kernelDocuments.get(reference);
    if (kernel !== undefined) {
      response.body = { content: kernel, mimeType: KERNEL_DOCUMENT_LANGUAGE.mimeType };
      return this.sendResponse(response);
    }
    const generated = this.generated.get(reference);
    if (!generated) return this.fail(response, new Error(`source: no generated source ${args.sourceReference}`));
    response.body = { content: generated.text, mimeType: 'text/x-asm' };
    this.sendResponse(response);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.step(response, () => this.runtime.stepOut());
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.step(response, () => this.runtime.stepBack(args.granularity === 'instruction' ? 'instruction' : 'line'));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.step(response, () => this.runtime.reverseContinue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.runtime.pause();
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const address = parseAddress(args.memoryReference, args.offset ?? 0);
    // VS Code's Disassembly view asks with an empty reference while a new session has no stop
    // yet: that is answered without a toast, as is any reference that is not an address.
    if (!this.runtime.loaded) return this.sendErrorResponse(response, { id: 1002, format: 'disassemble: no program is loaded', showUser: false, variables: {} });
    if (address === undefined) return this.sendErrorResponse(response, { id: 1002, format: `disassemble: '${args.memoryReference.slice(0, 40)}' is not an address`, showUser: false, variables: {} });
    const lines = this.runtime.disassemble(address, args.instructionOffset ?? 0, args.instructionCount);
    response.body = {
      instructions: lines.map((l): DebugProtocol.DisassembledInstruction => ({
        address: hex8(l.address),
        instructionBytes: l.bytes,
        instruction: l.text,
        ...(l.symbol && args.resolveSymbols !== false ? { symbol: l.symbol } : {}),
        ...(l.unreadable ? { presentationHint: 'invalid' as const } : {}),
        ...(l.source ? { location: new Source(l.source.path.slice(l.source.path.lastIndexOf('/') + 1), this.convertDebuggerPathToClient(l.source.path)), line: this.convertDebuggerLineToClient(l.source.line), ...(l.source.column > 0 ? { column: this.convertDebuggerColumnToClient(l.source.column) } : {}) } : {}),
      })),
    };
    this.sendResponse(response);
  }

  /** A memoryReference: an address, or any expression (a register, a pointer) that evaluates to one. */
  private addressOf(reference: string, offset: number): number | undefined {
    const direct = parseAddress(reference, offset);
    if (direct !== undefined || !this.runtime.loaded) return direct;
    const r = evaluateExpression(reference, frameContext(this.runtime, this.stack(), 0));
    return r.kind === 'value' ? (r.value + offset) >>> 0 : undefined;
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const address = this.addressOf(args.memoryReference, args.offset ?? 0);
    if (address === undefined || !this.runtime.loaded) return this.fail(response, new Error(`readMemory: '${args.memoryReference.slice(0, 40)}' is not an address`));
    const bytes = this.runtime.readMemory(address, args.count);
    response.body = { address: hex8(address), data: Buffer.from(bytes).toString('base64'), unreadableBytes: Math.max(0, args.count - bytes.length) };
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    try {
      const address = this.addressOf(args.memoryReference, args.offset ?? 0);
      if (address === undefined || !this.runtime.loaded) throw new Error(`writeMemory: '${args.memoryReference.slice(0, 40)}' is not an address`);
      const data = Buffer.from(args.data, 'base64');
      const written = this.runtime.writeMemory(address, data);
      if (written < data.length && !args.allowPartial) throw new Error(`writeMemory: ${hex8(address + written)} is not mapped (${written} of ${data.length} bytes written)`);
      this.frames = undefined;
      response.body = { offset: args.offset ?? 0, bytesWritten: written };
      this.sendResponse(response);
      this.sendEvent(new MemoryEvent(hex8(address), 0, written));
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    try {
      const ref = this.handles.get(args.variablesReference);
      if (!ref || !((ref.kind === 'registers' && ref.level === 0) || ref.kind === 'eflags')) {
        throw new Error(`${args.name}: only frame 0's registers and eflags bits can be set`);
      }
      const r = evaluateExpression(args.value, frameContext(this.runtime, this.stack(), 0));
      if (r.kind !== 'value') throw new Error(`${args.name} = ${args.value.slice(0, 40)}: ${r.kind === 'error' ? r.message : 'not a value'}`);
      this.runtime.setRegister(args.name, r.value);
      this.frames = undefined;
      const now = ref.kind === 'eflags'
        ? String(this.runtime.registers().find((x) => x.name === 'eflags')!.value & EFLAGS_BITS.find((b) => b.name === args.name)!.mask ? 1 : 0)
        : hex8(this.runtime.registers().find((x) => x.name === args.name)!.value);
      response.body = { value: now };
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['variables', 'stacks']));
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    // A Watch or hover that cannot be evaluated answers an error without a toast (VS Code shows it in place).
    const quiet = (message: string): void => this.sendErrorResponse(response, { id: 1002, format: message.split('\n')[0]!, showUser: false, variables: {} });
    if (!this.runtime.loaded) return quiet('no program is loaded');
    const r = evaluateExpression(args.expression, frameContext(this.runtime, this.stack(), args.frameId ?? 0));
    if (r.kind === 'error') return quiet(r.message);
    if (r.kind === 'text') {
      response.body = { result: r.text, variablesReference: 0 };
      return this.sendResponse(response);
    }
    const name = this.runtime.symbolize(r.value);
    response.body = { result: name && args.context === 'hover' ? `${hex8(r.value)} <${name}>` : hex8(r.value), variablesReference: 0, memoryReference: hex8(r.value) };
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime.dispose();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.runtime.dispose();
    this.sendResponse(response);
  }

  /** The client is gone (server mode, or stdin closed): the guest ends with it. */
  override dispose(): void {
    this.runtime.dispose();
    super.dispose();
  }

  /** `backlog` gives the bytes written to the client but not yet taken by it (startDebugSession gives its output stream's). */
  measureBacklog(backlog: () => number): void {
    this.runtime.clientBacklog = backlog;
  }

  /** Lines for the adapter's log go to `log` (startDebugSession gives the transport's). */
  logTo(log: (line: string) => void): void {
    this.log = log;
  }

  /** Error responses carry one line; an exception thrown in a handler is one line in the log too. */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: Record<string, unknown>, dest?: ErrorDestination): void {
    const v = variables as { _exception?: unknown; _stack?: unknown } | undefined;
    if (typeof codeOrMessage === 'number' && v && typeof v._stack === 'string') {
      const line = String(v._exception ?? 'internal error').split('\n')[0]!;
      this.log(`vdso-lab dap: ${response.command} failed: ${line}`);
      super.sendErrorResponse(response, { id: codeOrMessage, format: `${response.command}: ${line}`, showUser: true });
      return;
    }
    super.sendErrorResponse(response, codeOrMessage as DebugProtocol.Message, format, variables, dest);
  }
}

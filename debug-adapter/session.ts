// Owns the DAP session for debug type `vdso`: one instance per client connection. It
// translates DAP requests to the engine. The engine that runs programs (emulator/) is
// not built yet, so a launch is refused with one line that says so instead of pretending.
import { LoggingDebugSession, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface VdsoLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The i386 program to run (static ET_EXEC or static PIE). */
  program?: string;
  /** legacy | proposal | upstream | auxv | host | PATH.S | PATH.so */
  vdso?: string;
  cpu?: 'intel' | 'amd' | 'generic';
  kernel?: 'compat64' | 'native32';
}

export class VdsoDebugSession extends LoggingDebugSession {
  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsDisassembleRequest: false,
      supportsReadMemoryRequest: false,
      supportsSteppingGranularity: false,
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: VdsoLaunchArguments): void {
    const what = args.program ? `'${args.program}'` : 'a program';
    this.sendErrorResponse(response, {
      id: 1001,
      format: `vdso-lab cannot run ${what} yet: the emulated process and kernel model are not built in this version`,
      showUser: true,
    });
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.sendResponse(response);
  }
}

// Owns what one cell of the matrix gives its checks: fresh sessions for its configuration,
// and the plain stepped call and the TF call, each run once and shared.
import { steppedCall, tfCall, type SteppedCall, type TfCall } from './runs';
import { Session, type SessionSpec } from './session';
import type { CheckId, CheckOutcome, Finding } from './types';

export class CellContext {
  private plainRun: SteppedCall | undefined;
  private tfRun: TfCall | undefined;

  constructor(readonly spec: SessionSpec) {}

  newSession(): Session {
    return new Session(this.spec);
  }

  plain(): SteppedCall {
    return (this.plainRun ??= steppedCall(this.newSession()));
  }

  tf(): TfCall {
    return (this.tfRun ??= tfCall(this.newSession()));
  }
}

export type Check = (ctx: CellContext) => CheckOutcome;

export function outcome(check: CheckId, summary: string, findings: readonly Finding[]): CheckOutcome {
  return { check, pass: findings.length === 0, summary, findings };
}

/** A finding for a run that did not get where the check needed it to. */
export function didNotReturn(check: CheckId, what: string, failed: string): Finding {
  return { check, what, expected: 'the call returns to the caller', actual: failed };
}

// Owns source-line breakpoints: resolving FILE:LINE to an address as gdb does (the line's
// first is_stmt address, moved to the next line with code and reported with the line it
// moved to; after the prologue on a function's opening line), the true reason when it
// cannot be placed, and what a hit does: a condition (an expression, stop when non-zero),
// a hit count (`N`, `>= N`, `> N`, `== N`, `% N`, ...) and a log message (`{expression}`
// parts evaluated; the program does not stop).
import type { SourceMap } from './source-map';

export interface LineBreakpointSpec {
  readonly line: number;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
}

/** Where a spec went: an address and the line it moved to, or why it could not be placed. */
export type LineResolution = { readonly address: number; readonly line: number } | { readonly address: undefined; readonly message: string };

export function resolveLine(map: SourceMap | undefined, path: string, line: number): LineResolution {
  if (!map || map.empty) return { address: undefined, message: 'neither the program nor the vDSO has a DWARF line table (.debug_line): build with -g, or use function or instruction breakpoints' };
  if (!map.knows(path)) return { address: undefined, message: `no line table names ${path}: it is not a source of the program or the vDSO (a build folder elsewhere? map it with "sourceFileMap")` };
  const at = map.breakpointAt(path, line);
  if (!at) return { address: undefined, message: `no code at or after line ${line} of ${path}` };
  return at;
}

/** What evaluating an expression gave: a number, or an error message. */
export type Evaluated = { readonly value: number } | { readonly error: string };

/** What a hit does. */
export type HitAction = { readonly kind: 'stop' } | { readonly kind: 'continue' } | { readonly kind: 'log'; readonly text: string } | { readonly kind: 'error'; readonly message: string };

const HIT = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/;

/** The extra behaviour of the line breakpoints that have any, by id. */
export class HitRules {
  private readonly rules = new Map<number, LineBreakpointSpec & { hits: number }>();

  /** Checks the hit conditions; returns a message for a malformed one (the breakpoint stays unverified). */
  static check(spec: LineBreakpointSpec): string | undefined {
    if (spec.hitCondition !== undefined && spec.hitCondition.trim() !== '' && !HIT.test(spec.hitCondition)) {
      return `hit count '${spec.hitCondition.slice(0, 40)}': give N, >= N, > N, == N, < N, <= N or % N`;
    }
    return undefined;
  }

  set(id: number, spec: LineBreakpointSpec): void {
    if (spec.condition?.trim() || spec.hitCondition?.trim() || spec.logMessage !== undefined) this.rules.set(id, { ...spec, hits: 0 });
  }

  forget(ids: readonly number[]): void {
    for (const id of ids) this.rules.delete(id);
  }

  /** Decides a hit of breakpoints `ids` (any of them stopping stops). */
  onHit(ids: readonly number[], evaluate: (expression: string) => Evaluated): HitAction {
    let stop = false;
    let plain = false;
    const logs: string[] = [];
    for (const id of ids) {
      const rule = this.rules.get(id);
      if (!rule) {
        plain = true;
        continue;
      }
      if (rule.condition?.trim()) {
        const v = evaluate(rule.condition);
        if ('error' in v) return { kind: 'error', message: `breakpoint condition '${rule.condition.slice(0, 80)}': ${v.error}` };
        if (v.value === 0) continue;
      }
      rule.hits++;
      if (rule.hitCondition?.trim() && !hitMatches(rule.hitCondition, rule.hits)) continue;
      if (rule.logMessage !== undefined) logs.push(interpolate(rule.logMessage, evaluate));
      else stop = true;
    }
    if (stop || plain) return { kind: 'stop' };
    if (logs.length) return { kind: 'log', text: logs.map((l) => `${l}\n`).join('') };
    return { kind: 'continue' };
  }
}

function hitMatches(condition: string, hits: number): boolean {
  const m = HIT.exec(condition);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '>': return hits > n;
    case '<=': return hits <= n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}

/** A log message with each `{expression}` replaced by its value in hex (or the error). */
function interpolate(message: string, evaluate: (expression: string) => Evaluated): string {
  return message.replace(/\{([^{}]*)\}/g, (_, expression: string) => {
    const v = evaluate(expression);
    return 'error' in v ? `<${v.error}>` : '0x' + (v.value >>> 0).toString(16);
  });
}

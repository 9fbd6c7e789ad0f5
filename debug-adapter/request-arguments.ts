// Owns the shape each DAP request's arguments must have before the session acts on it: the
// fields the Debug Adapter Protocol marks required, with their JSON types, for every request
// the adapter handles. A request that breaks it is answered with one line naming the request
// and the field, never with a JavaScript TypeError from deep inside a handler.

type FieldType = 'string' | 'number' | 'integer' | 'count' | 'object' | 'array' | 'string[]';

/** Required fields per request: the ones the protocol marks required, with their JSON types. */
const REQUIRED: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = {
  setBreakpoints: { source: 'object' },
  breakpointLocations: { source: 'object', line: 'integer' },
  setFunctionBreakpoints: { breakpoints: 'array' },
  setInstructionBreakpoints: { breakpoints: 'array' },
  setDataBreakpoints: { breakpoints: 'array' },
  setExceptionBreakpoints: { filters: 'string[]' },
  dataBreakpointInfo: { name: 'string' },
  stackTrace: { threadId: 'integer' },
  scopes: { frameId: 'integer' },
  variables: { variablesReference: 'integer' },
  setVariable: { variablesReference: 'integer', name: 'string', value: 'string' },
  continue: { threadId: 'integer' },
  next: { threadId: 'integer' },
  stepIn: { threadId: 'integer' },
  stepOut: { threadId: 'integer' },
  stepBack: { threadId: 'integer' },
  reverseContinue: { threadId: 'integer' },
  pause: { threadId: 'integer' },
  evaluate: { expression: 'string' },
  source: { sourceReference: 'integer' },
  disassemble: { memoryReference: 'string', instructionCount: 'count' },
  readMemory: { memoryReference: 'string', count: 'count' },
  writeMemory: { memoryReference: 'string', data: 'string' },
};

/** The entries of these arrays must be objects carrying these string fields. */
const ENTRIES: Readonly<Record<string, { readonly array: string; readonly field: string }>> = {
  setFunctionBreakpoints: { array: 'breakpoints', field: 'name' },
  setInstructionBreakpoints: { array: 'breakpoints', field: 'instructionReference' },
  setDataBreakpoints: { array: 'breakpoints', field: 'dataId' },
};

function fits(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isSafeInteger(value);
    case 'count': return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'string[]': return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

const SAID: Record<FieldType, string> = {
  string: 'a string', number: 'a number', integer: 'an integer', count: 'a count (an integer, 0 or more)',
  object: 'an object', array: 'an array', 'string[]': 'an array of strings',
};

/** Why a request's arguments cannot be acted on (one line), or undefined when they can. */
export function argumentsProblem(command: string, args: unknown): string | undefined {
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) return `${command}: "arguments" must be an object`;
  const required = REQUIRED[command];
  if (!required) return undefined;
  const given = (args ?? {}) as Record<string, unknown>;
  for (const [field, type] of Object.entries(required)) {
    if (!(field in given)) return `${command}: "${field}" is missing`;
    if (!fits(given[field], type)) return `${command}: "${field}" must be ${SAID[type]}`;
  }
  const entries = ENTRIES[command];
  if (entries) {
    const list = given[entries.array] as unknown[];
    const bad = list.findIndex((e) => typeof e !== 'object' || e === null || typeof (e as Record<string, unknown>)[entries.field] !== 'string');
    if (bad >= 0) return `${command}: "${entries.array}"[${bad}] must be an object with "${entries.field}" a string`;
  }
  return undefined;
}

// Owns the assembler's error for one statement: GNU as's message for the source line, which
// the statement loop reports at the statement's place and goes on from.
export class AsmError extends Error {
  override readonly name = 'AsmError';
  constructor(message: string, readonly column?: number) {
    super(message);
  }
}

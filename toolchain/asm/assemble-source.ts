// Owns turning one source text into an AsmModule the way `gcc -c` does for it: a .S goes
// through the preprocessor first and its line map carries every statement back to the
// user's file:line:column; a .s is assembled as it is. Host file access is injected.
import { assemble, type LineMap } from './assembler';
import { preprocess, type PreprocessResult } from './cpp/preprocess';
import type { AsmModule, Diagnostic, SourceLocation } from './module';

export interface SourceInput {
  /** The name messages use (as the user gave it); a name ending in .S is preprocessed. */
  readonly file: string;
  readonly text: string;
  readonly includeDirs?: readonly string[];
  /** -D forms: NAME, NAME=VALUE. */
  readonly defines?: readonly string[];
  /** -U forms: macro names. */
  readonly undefines?: readonly string[];
  /** -include files, read before the first line. */
  readonly includes?: readonly string[];
  /** -imacros files, read for their macros before the -include ones. */
  readonly imacros?: readonly string[];
  /** Reads an included file by the path the preprocessor formed; undefined when there is none. */
  readonly readFile: (path: string) => string | undefined;
  /** Record which instance each numeric label reference names (AssembleInput.numericReferences). */
  readonly numericReferences?: boolean;
}

/** Whether a source goes through the C preprocessor before the assembler: a .S does, as with gcc. */
export function preprocessesFile(file: string): boolean {
  return file.endsWith('.S');
}

/** The module and every message, the preprocessor's first; for a .S also what cpp produced. */
export function assembleSource(input: SourceInput): { module: AsmModule; diagnostics: Diagnostic[]; preprocessed?: PreprocessResult } {
  if (!preprocessesFile(input.file)) {
    const module = assemble({ file: input.file, text: input.text, numericReferences: input.numericReferences });
    return { module, diagnostics: [...module.diagnostics] };
  }
  const pre = preprocess({
    file: input.file,
    text: input.text,
    includeDirs: input.includeDirs ?? [],
    defines: input.defines ?? [],
    undefines: input.undefines ?? [],
    includes: input.includes ?? [],
    imacros: input.imacros ?? [],
    readFile: input.readFile,
  });
  const lineMap = preprocessedLineMap(pre, input.file);
  const module = assemble({ file: input.file, text: pre.text, lineMap, numericReferences: input.numericReferences });
  return { module, diagnostics: [...pre.diagnostics, ...module.diagnostics], preprocessed: pre };
}

/** Maps a 0-based line and column of cpp's output to the user's file:line:column. */
export function preprocessedLineMap(pre: PreprocessResult, file: string): LineMap {
  // Span columns are 1-based, the column asked for 0-based.
  return (line: number, column: number): SourceLocation => pre.spans.locate(line, column + 1) ?? pre.lines[line] ?? { file, line: line + 1, column: column + 1 };
}

// Owns the shape of the language server's findings and the names of their kinds; each kind
// can be turned off with the setting vdsoLab.diagnostics.KIND = false.

export const DIAGNOSTIC_KINDS = ['assembler', 'unknownFeature', 'alternativeStack', 'cfi', 'landingPad'] as const;
export type DiagnosticKind = (typeof DIAGNOSTIC_KINDS)[number];

export interface Finding {
  readonly kind: DiagnosticKind;
  readonly severity: 'error' | 'warning';
  /** 0-based line and columns in the document. */
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly message: string;
  /** A replacement for the range that fixes it (a quick fix), when there is one. */
  readonly fix?: { readonly title: string; readonly newText: string };
}

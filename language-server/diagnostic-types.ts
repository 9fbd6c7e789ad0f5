// Owns the shape of the language server's findings and the names of their kinds, each with
// the description the setting vdsoLab.diagnostics.KIND carries in package.json (false turns
// the kind off; test/lsp/settings.test.ts keeps package.json in step with this list).

export const DIAGNOSTIC_KIND_DESCRIPTIONS = {
  assembler: 'cpp\'s and the assembler\'s errors and warnings',
  unknownFeature: 'X86_FEATURE_* names neither #defined nor built in (with the closest known name as a quick fix)',
  alternativeStack: 'alternatives whose original and replacements leave the stack at different heights (objtool\'s stack layout conflict)',
  alternativeCfi: 'alternatives whose CFI row differs at an offset the original and a replacement share (objtool\'s stack layout conflict)',
  alternativeBranch: 'a relative jump or call in a replacement whose target the alternatives patcher cannot fix up',
  cfi: 'CFI that disagrees with the instructions (stack moves without the matching CFA change and the reverse; restores of unsaved registers)',
  ehFrame: 'hand-written .eh_frame rows (.byte/.long in an .eh_frame section) that disagree with the code they describe',
  landingPad: 'a landing-pad label that does not follow int $0x80',
} as const;

export type DiagnosticKind = keyof typeof DIAGNOSTIC_KIND_DESCRIPTIONS;
export const DIAGNOSTIC_KINDS = Object.keys(DIAGNOSTIC_KIND_DESCRIPTIONS) as DiagnosticKind[];

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

// Owns the language server's own requests beyond LSP, which the extension sends: each one's
// method name and the shapes of its parameters and result, for both ends to import.
import type { CpuModel, KernelAbi } from '../toolchain/designs/options';

/** A range on the wire, as LSP writes one. */
export interface WireRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

/** An ALTERNATIVE block: the macro's name and the lines it covers. */
export interface WireBlock extends WireRange {
  readonly name: string;
}

/** The disassembled text of the ALTERNATIVE site on `line` as the patcher leaves it for `cpu`. */
export const PATCHED_SITE = 'vdsoLab/patchedSite';
export interface PatchedSiteParams { readonly uri: string; readonly line: number; readonly cpu: CpuModel }

/** Runs the contract checker on the document (failures are also published as diagnostics). */
export const CHECK_CONTRACT = 'vdsoLab/checkContract';
export interface CheckContractParams { readonly uri: string; readonly abi?: KernelAbi }
export interface CheckContractResult { readonly summary: string; readonly problems: ReadonlyArray<{ readonly line: number; readonly message: string }> }

/** The document's active ALTERNATIVE blocks (WireBlock[]), for the extension's decorations. */
export const ALTERNATIVE_BLOCKS = 'vdsoLab/alternativeBlocks';
/** The lines of #if branches cpp skips (WireRange[], whole lines from start to end), for dimming. */
export const INACTIVE_REGIONS = 'vdsoLab/inactiveRegions';
export interface DocumentParams { readonly uri: string }

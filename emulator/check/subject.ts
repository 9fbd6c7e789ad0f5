// Owns what the checker checks: a stub image per CPU model and kernel kind, with the kernel
// ABI it runs under and, when it was built from sources, its line map. Subjects come from a
// shipped design (built with toolchain/designs for each kernel kind; legacy's kernel picks
// an image per CPU), or from one built image (a user's .S the CLI assembled and linked, a
// built .so, a captured or distribution vdso32.so) run with a chosen ABI.
import type { AsmModule } from '../../toolchain/asm/module';
import { buildDesign } from '../../toolchain/designs/build';
import { findDesign, type Design } from '../../toolchain/designs/registry';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { KernelAbi } from '../../toolchain/designs/options';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import { sourceLines, type SourceLines } from './source-lines';

export interface StubImage {
  /** The ET_DYN image as built (alternatives not applied yet). */
  readonly bytes: Uint8Array;
  /** Shown in findings and the matrix ("vdso/upstream.S (compat64 image)", a path). */
  readonly name: string;
  readonly lines: SourceLines | undefined;
}

export interface StubSubject {
  /** Shown as the matrix's design column. */
  readonly name: string;
  readonly abi: KernelAbi;
  /** The image the kernel maps for this CPU model and kernel kind. */
  image(cpu: CpuModel, kernel: KernelKind): StubImage;
}

/** The image, with its line map when `modules` are the sources it was linked from. */
export function builtImage(bytes: Uint8Array, name: string, modules: readonly AsmModule[] = []): StubImage {
  const lines = modules.length > 0 ? sourceLines(modules, parseElf32(bytes, name)) : undefined;
  return { bytes, name, lines };
}

/** One built image checked with `abi` on every configuration. */
export function imageSubject(image: StubImage, abi: KernelAbi, name = image.name): StubSubject {
  return { name, abi, image: () => image };
}

/** A shipped design by name (legacy, proposal, upstream, auxv). */
export function designSubject(name: string): StubSubject {
  const design: Design | undefined = findDesign(name);
  if (!design) throw new InputError(name, '', 'no such design (known: legacy, proposal, upstream, auxv)');
  const cache = new Map<string, StubImage>();
  return {
    name: design.name,
    abi: design.abi,
    image(cpu, kernel) {
      const chosen = design.image(cpu, kernel);
      const key = `${chosen.name}/${kernel}`;
      let built = cache.get(key);
      if (!built) {
        // The modules the image was linked from (not assembled again) give its line map.
        const { bytes, modules } = buildDesign(name, kernel, { cpu });
        built = builtImage(bytes, `${design.name} (${chosen.name === kernel ? kernel : `${chosen.name}`} image)`, modules);
        cache.set(key, built);
      }
      return built;
    },
  };
}

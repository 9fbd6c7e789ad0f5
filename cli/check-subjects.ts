// Owns which stubs `vdso-lab check` checks: the subjects --vdso and --abi name (the shipped
// designs, a .S built by cli/user-stub.ts once per kernel kind keeping its line map, or a
// built image). The command and its worker threads (cli/check-jobs.ts) build them here alike.
import { resolve } from 'node:path';
import { readInputFile } from '../toolchain/input-file';
import { UsageError } from './command';
import { DEFAULT_ABI, KERNEL_ABIS, type KernelAbi, type KernelKind } from '../toolchain/designs/options';
import { builtImage, designSubject, imageSubject, type StubImage, type StubSubject } from '../emulator/check/subject';
import { buildUserStub } from './user-stub';
import { stubAbi } from '../toolchain/designs/user-stub';

/**
 * A stub from a .S: built with vdso-lab's assembler and linker for each kernel kind
 * (CONFIG_X86_64 defined for compat64, as the designs are), with vdso/include and the
 * file's folder on the include path. `shown` names it in messages and line numbers.
 */
export function sourceSubject(path: string, shown: string, abi: KernelAbi): StubSubject {
  const built = new Map<KernelKind, StubImage>();
  return {
    name: shown,
    abi,
    image(_cpu, kernel) {
      const hit = built.get(kernel);
      if (hit) return hit;
      const { bytes, module } = buildUserStub(path, shown, kernel);
      const image = builtImage(bytes, shown, [module]);
      built.set(kernel, image);
      return image;
    },
  };
}

/** The subjects --vdso and --abi name. */
export function subjectsFor(spec: string | undefined, abi: KernelAbi | undefined, cwd: string): StubSubject[] {
  if (spec === undefined) return KERNEL_ABIS.map((n) => designSubject(n));
  if ((KERNEL_ABIS as readonly string[]).includes(spec)) {
    if (abi !== undefined && abi !== spec) throw new UsageError(`--abi ${abi} does not go with the design ${spec} (it has its own ABI)`);
    return [designSubject(spec)];
  }
  const path = resolve(cwd, spec);
  if (spec.endsWith('.S') || spec.endsWith('.s')) return [sourceSubject(path, spec, abi ?? stubAbi(path))];
  return [imageSubject(builtImage(readInputFile(path, spec), spec), abi ?? DEFAULT_ABI)];
}

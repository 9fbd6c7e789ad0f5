// Owns `vdso-lab check [--vdso DESIGN|FILE.S|FILE.so] [--abi ABI] [--cpu all|intel|amd|generic]
// [--kernel all|compat64|native32] [--json]`: the contract checks a-g (emulator/check) over
// the matrix design x CPU model x kernel kind x kind of caller, printed as a table with the
// details of every failure; exit 1 when any check fails. A .S is built by cli/user-stub.ts
// (once per kernel kind), keeping its line map.
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, stringOption, type Command } from '../command';
import { InputError } from '../../toolchain/errors';
import { CPU_MODELS, DEFAULT_ABI, KERNEL_ABIS, KERNEL_KINDS, type CpuModel, type KernelAbi, type KernelKind } from '../../toolchain/designs/options';
import { checkSubject, failedChecks, type SubjectResult } from '../../emulator/check/matrix';
import { builtImage, designSubject, imageSubject, type StubImage, type StubSubject } from '../../emulator/check/subject';
import { formatMatrix } from '../../emulator/check/format';
import { buildUserStub } from '../user-stub';
import { MODEL_OPTIONS, allOrOne, matrixOption } from '../model-options';

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
  if (spec.endsWith('.S') || spec.endsWith('.s')) return [sourceSubject(path, spec, abi ?? DEFAULT_ABI)];
  return [imageSubject(builtImage(readInputFile(path, spec), spec), abi ?? DEFAULT_ABI)];
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check every promise of the vsyscall stub on every CPU model and kernel kind',
  details:
    'Runs checks a-g (arguments, preservation, unwinding, restart, single-step, signals, exit path)\n' +
    'on the stub for each CPU model, kernel kind and kind of caller (AT_SYSINFO, the __kernel_vsyscall\n' +
    'dynamic symbol), and prints the matrix and every failure with its place, expected and actual.\n' +
    'Default: the four shipped designs, all CPU models, both kernel kinds. Exit 1 when a check fails.',
  usage: `[--vdso ${KERNEL_ABIS.join('|')}|FILE.S|FILE.so] [--abi ABI] [--cpu all|${CPU_MODELS.join('|')}] [--kernel all|${KERNEL_KINDS.join('|')}] [--json]`,
  options: {
    vdso: { type: 'string', valueName: 'DESIGN|FILE', help: 'a shipped design, a .S to build, or a built .so (default: every shipped design)' },
    abi: MODEL_OPTIONS.abi,
    cpu: matrixOption('cpu', CPU_MODELS),
    kernel: matrixOption('kernel', KERNEL_KINDS),
    json: { type: 'boolean', help: 'print the results as JSON' },
  },
  positionals: [0, 0],
  async run(args, io) {
    const abiList = allOrOne(args, 'abi', KERNEL_ABIS);
    const cpus = allOrOne<CpuModel>(args, 'cpu', CPU_MODELS);
    const kernels = allOrOne<KernelKind>(args, 'kernel', KERNEL_KINDS);
    const subjects = subjectsFor(stringOption(args, 'vdso'), abiList?.[0], io.cwd);
    const results: SubjectResult[] = subjects.map((s) => checkSubject(s, { cpus, kernels }));
    const bad = results.find((r) => r.error);
    if (bad && bad.cells.length === 0) {
      const at = bad.errorAt;
      throw at ? new InputError(at.file, at.place, at.detail) : new InputError(bad.subject, '', bad.error!);
    }
    if (flag(args, 'json')) io.out(JSON.stringify({ results, failed: failedChecks(results) }, null, 2) + '\n');
    else io.out(formatMatrix(results));
    return failedChecks(results).length > 0 || bad ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};

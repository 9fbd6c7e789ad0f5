// Owns `vdso-lab check [--vdso DESIGN|FILE.S|FILE.so] [--abi ABI] [--cpu all|intel|amd|generic]
// [--kernel all|compat64|native32] [--jobs N] [--json]`: the contract checks a-g (emulator/check) over
// the matrix design x CPU model x kernel kind x kind of caller, printed as a table with the
// details of every failure; exit 1 when any check fails. The subjects come from
// cli/check-subjects.ts; the configurations run in worker threads (cli/check-jobs.ts).
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, stringOption, type Command } from '../command';
import { InputError } from '../../toolchain/errors';
import { CPU_MODELS, KERNEL_ABIS, KERNEL_KINDS, type CpuModel, type KernelKind } from '../../toolchain/designs/options';
import { failedChecks } from '../../emulator/check/matrix';
import { formatMatrix } from '../../emulator/check/format';
import { checkMatrix, defaultJobs } from '../check-jobs';
import { MODEL_OPTIONS, allOrOne, matrixOption } from '../model-options';

export const checkCommand: Command = {
  details:
    'Runs checks a-g (arguments, preservation, unwinding, restart, single-step, signals, exit path)\n' +
    'on the stub for each CPU model, kernel kind and kind of caller (AT_SYSINFO, the __kernel_vsyscall\n' +
    'dynamic symbol), and prints the matrix and every failure with its place, expected and actual.\n' +
    'Default: the four shipped designs, all CPU models, both kernel kinds. Exit 1 when a check fails.',
  usage: `[--vdso ${KERNEL_ABIS.join('|')}|FILE.S|FILE.so] [--abi ABI] [--cpu all|${CPU_MODELS.join('|')}] [--kernel all|${KERNEL_KINDS.join('|')}] [--jobs N] [--json]`,
  options: {
    vdso: { type: 'string', valueName: 'DESIGN|FILE', help: 'a shipped design, a .S to build, or a built .so (default: every shipped design)' },
    abi: MODEL_OPTIONS.abi,
    cpu: matrixOption('cpu', CPU_MODELS),
    kernel: matrixOption('kernel', KERNEL_KINDS),
    json: { type: 'boolean', help: 'print the results as JSON' },
    jobs: { type: 'string', valueName: 'N', help: 'threads to run the configurations on, this one and N-1 worker threads (default: one per core, at most 4; the results are the same)' },
  },
  positionals: [0, 0],
  async run(args, io) {
    const abiList = allOrOne(args, 'abi', KERNEL_ABIS);
    const cpus = allOrOne<CpuModel>(args, 'cpu', CPU_MODELS);
    const kernels = allOrOne<KernelKind>(args, 'kernel', KERNEL_KINDS);
    const jobsText = stringOption(args, 'jobs');
    if (jobsText !== undefined && !/^[1-9][0-9]?$/.test(jobsText)) throw new UsageError(`--jobs wants a whole number from 1 to 99, got '${jobsText}'`);
    const jobs = jobsText === undefined ? defaultJobs() : Number(jobsText);
    const results = await checkMatrix({ spec: stringOption(args, 'vdso'), abi: abiList?.[0], cwd: io.cwd, cpus, kernels }, jobs);
    const bad = results.find((r) => r.error);
    if (bad && bad.cells.length === 0) {
      const at = bad.errorAt;
      throw at ? new InputError(at.file, at.place, at.detail) : new InputError(bad.subject, '', bad.error!);
    }
    if (flag(args, 'json')) io.out(JSON.stringify({ results, failed: failedChecks(results) }, null, 2) + '\n');
    else io.out(formatMatrix(results, { details: true }));
    return failedChecks(results).length > 0 || bad ? EXIT_CHECK_FAILED : EXIT_OK;
  },
};

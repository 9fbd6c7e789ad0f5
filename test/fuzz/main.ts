// `npm run fuzz [-- --seconds N] [--seed S] [--target NAME ...] [--replay FILE]`: every
// fuzz target (test/fuzz/targets/) for N seconds each from seed S, failing inputs written
// to test/fuzz/crashes/; exit 1 when any failed. --replay runs one stored input through a
// target. --list prints the targets. Also this file's worker threads start here.
import { isMainThread } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { replay, runFuzz } from './harness';
import { isFuzzWorker, runFuzzWorker } from './worker';
import { TARGETS } from './targets/index';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      target: { type: 'string', multiple: true },
      replay: { type: 'string' },
      list: { type: 'boolean' },
      'max-inputs': { type: 'string' },
    },
  });
  if (values.list) {
    for (const t of TARGETS) console.log(`${t.name.padEnd(17)} ${t.what}`);
    return 0;
  }
  if (values.replay) {
    if (values.target?.length !== 1) throw new Error('--replay wants one --target');
    const failure = await replay(values.target[0]!, values.replay);
    console.log(failure ? `${values.replay}: FAILS: ${failure}` : `${values.replay}: passes`);
    return failure ? 1 : 0;
  }
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  if (!(seconds > 0) || !Number.isInteger(seed)) throw new Error(`--seconds wants a positive number and --seed an integer (got '${values.seconds}', '${values.seed}')`);
  const maxInputs = values['max-inputs'] === undefined ? undefined : Number(values['max-inputs']);
  const reports = await runFuzz({ seconds, seed, targets: values.target, maxInputs, log: (l) => console.log(l) });
  const failures = reports.reduce((n, r) => n + r.failures.length, 0);
  console.log(`fuzz: ${reports.length} targets, ${reports.reduce((n, r) => n + r.inputs, 0)} inputs, seed ${seed}: ${failures} failures`);
  return failures ? 1 : 0;
}

if (isFuzzWorker()) runFuzzWorker();
else if (isMainThread) {
  main().then((status) => process.exit(status), (e: Error) => {
    console.error(`fuzz: ${e.message}`);
    process.exit(2);
  });
}

// A check worker thread (cli/check-worker.ts, run from dist/check-worker.js as `vdso-lab check`
// runs it): it checks every configuration it is handed, one at a time, with the results this
// thread gives for them, and a configuration whose check throws ends it with the run refused.
// Quick runs hand it a diagonal of the configurations (each CPU model and kernel kind once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { runWorker, type ConfigurationUnit, type MatrixRequest } from '../../cli/check-jobs';
import { subjectsFor } from '../../cli/check-subjects';
import { checkConfiguration, type ConfigurationResult } from '../../emulator/check/matrix';
import { CPU_MODELS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { combinations } from '../support/scale';

const WORKER = resolve('dist/check-worker.js');
const REQUEST: MatrixRequest = { spec: 'upstream', abi: undefined, cwd: process.cwd(), cpus: undefined, kernels: undefined };

test('a worker checks each configuration it is handed and gives the results this thread gives', async () => {
  // At full scale the whole product in configurations()'s order (CPU model, then kernel kind).
  const units: ConfigurationUnit[] = combinations({ cpu: CPU_MODELS, kernel: KERNEL_KINDS }).map(({ cpu, kernel }) => ({ subject: 0, cpu, kernel }));
  const queue = [...units];
  const got = new Map<ConfigurationUnit, ConfigurationResult>();
  await runWorker(WORKER, REQUEST, () => queue.shift(), (u, r) => got.set(u, r));
  assert.equal(got.size, units.length, 'every configuration handed out came back');
  const [subject] = subjectsFor(REQUEST.spec, REQUEST.abi, REQUEST.cwd);
  for (const u of units) assert.deepEqual(got.get(u), checkConfiguration(subject!, u.cpu, u.kernel, {}), `${u.cpu} ${u.kernel}`);
});

test('a worker whose check throws ends, and the run is refused with the error\'s message', async () => {
  const handed: ConfigurationUnit[] = [{ subject: 7, cpu: 'intel', kernel: 'compat64' }];
  await assert.rejects(runWorker(WORKER, REQUEST, () => handed.shift(), () => assert.fail('no result expected')), /undefined/);
});

// Owns one check worker thread (bundled as dist/check-worker.js; cli/check-jobs.ts starts
// it): rebuilds the subjects of the request the same way the command did, says it is ready,
// then checks each configuration it is given and posts its result, until it is given none.
import { parentPort, workerData } from 'node:worker_threads';
import { checkConfiguration } from '../emulator/check/matrix';
import type { MatrixRequest, WorkerMessage, WorkerTask } from './check-jobs';
import { subjectsFor } from './check-subjects';

const port = parentPort!;
const { request } = workerData as { request: MatrixRequest };
const post = (m: WorkerMessage): void => port.postMessage(m);
const crashed = (e: unknown): void => post({ crashed: e instanceof Error ? e.message : String(e) });
try {
  const subjects = subjectsFor(request.spec, request.abi, request.cwd);
  const options = { cpus: request.cpus, kernels: request.kernels };
  port.on('message', ({ unit }: WorkerTask) => {
    if (unit === null) {
      port.close();
      return;
    }
    try {
      post({ result: checkConfiguration(subjects[unit.subject]!, unit.cpu, unit.kernel, options) });
    } catch (e) {
      crashed(e);
      port.close();
    }
  });
  post({ ready: true });
} catch (e) {
  crashed(e);
}

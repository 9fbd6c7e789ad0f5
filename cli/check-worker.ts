// Owns one check worker thread (bundled as dist/check-worker.js; cli/check-jobs.ts starts
// it): rebuilds the subjects of the request the same way the command did, runs the
// configurations it was given in that order, and posts their results back.
import { parentPort, workerData } from 'node:worker_threads';
import { checkConfiguration, type ConfigurationResult } from '../emulator/check/matrix';
import type { ConfigurationUnit, MatrixRequest, WorkerReply } from './check-jobs';
import { subjectsFor } from './check-subjects';

const { request, units } = workerData as { request: MatrixRequest; units: readonly ConfigurationUnit[] };
let reply: WorkerReply;
try {
  const subjects = subjectsFor(request.spec, request.abi, request.cwd);
  const options = { cpus: request.cpus, kernels: request.kernels };
  const results: ConfigurationResult[] = units.map((u) => checkConfiguration(subjects[u.subject]!, u.cpu, u.kernel, options));
  reply = { results };
} catch (e) {
  reply = { crashed: e instanceof Error ? e.message : String(e) };
}
parentPort!.postMessage(reply);

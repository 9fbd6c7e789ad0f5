// The `vdso-lab` executable: hands argv to runCli with the process's stdout and stderr.
import { runCli } from './run-cli';

const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  cwd: process.cwd(),
};

runCli(process.argv.slice(2), io).then((status) => {
  process.exitCode = status;
});

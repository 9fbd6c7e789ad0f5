// Owns one VS Code session of an end-to-end suite: code-server started on the run folder,
// the workbench opened on the workspace, each step as a subtest whose failure carries what
// the page showed and code-server's last log lines, and the clean-up (everything kept for
// inspection after a failure, only the screenshots and the log otherwise).
import type { TestContext } from 'node:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServer, type CodeServer, type RunDirs } from './code-server';
import { Workbench } from './workbench';

/** Runs one step of the scenario as a subtest; its failure fails the session too. */
export type Step = (name: string, body: (b: Workbench) => Promise<void>) => Promise<void>;

export interface SessionOptions {
  /** Folders besides the run folder's own to delete when every step passed. */
  readonly scratch?: readonly string[];
}

/** Starts code-server, opens `workspace` and runs `scenario`; reports and cleans up whatever happens. */
export async function withWorkbench(
  t: TestContext,
  bin: string,
  dirs: RunDirs,
  workspace: string,
  scenario: (b: Workbench, step: Step) => Promise<void>,
  options: SessionOptions = {},
): Promise<void> {
  let server: CodeServer | undefined;
  let bench: Workbench | undefined;
  let failed = false;
  const explain = async (e: unknown): Promise<Error> => {
    failed = true;
    const page = bench ? await bench.report() : '(the workbench did not open)';
    return new Error(`${(e as Error).message}\n=== the page showed:\n${page}\n=== code-server log (last lines):\n${server?.logTail() ?? ''}`);
  };
  const step: Step = async (name, body) => {
    await t.test(name, async () => {
      try {
        if (!bench) throw new Error('the workbench did not open');
        await body(bench);
      } catch (e) {
        throw await explain(e);
      }
    });
  };
  try {
    server = await startCodeServer(bin, dirs);
    bench = await Workbench.open(dirs, server.url, workspace);
    await scenario(bench, step);
  } catch (e) {
    throw failed ? e : await explain(e);
  } finally {
    await bench?.close().catch(() => undefined);
    await server?.stop();
    if (failed) t.diagnostic(`kept everything for inspection in ${dirs.root}`);
    else {
      for (const dir of [dirs.home, dirs.userData, dirs.extensions, dirs.browserProfile, workspace, ...(options.scratch ?? [])]) rmSync(dir, { recursive: true, force: true });
      rmSync(join(dirs.root, 'vdso-lab.vsix'), { force: true });
      t.diagnostic(`kept the screenshots and code-server.log in ${dirs.root}`);
    }
  }
}

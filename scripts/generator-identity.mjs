// Owns the identity of the block compiler's sources that the tests' bundles are built with
// (esbuild's define VDSO_LAB_GENERATOR): the tests' processes keep their cold blocks' compiled
// code in the cache folder under it (emulator/x86/cold-cache.ts), where the product's bundles
// use their own build's hash. It names which file a process shares, so that builds of other
// sources (other checkouts, other commits) keep files of their own instead of filling one with
// shapes the others never meet; a shape is still looked up by its whole text, and V8's data
// still given only to the script it was made from. The hash covers every file under
// emulator/ (the generator, its runtime helpers, the memory the code calls) and toolchain/isa/
// (the decoder and the opcode table).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const FOLDERS = ['emulator', 'toolchain/isa'];

/** esbuild's `define` for the tests' bundles of the checkout at `root`. */
export function generatorDefine(root) {
  const h = createHash('sha256');
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) h.update(`${relative(root, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  for (const folder of FOLDERS) walk(join(root, folder));
  return { VDSO_LAB_GENERATOR: JSON.stringify(h.digest('hex').slice(0, 16)) };
}

// Owns the static linker's public surface: linkVdso (an ET_DYN vDSO image in the kernel's
// layout) and linkExec (a static ET_EXEC program), and the option types they take.
export { linkVdso } from './link-vdso';
export { linkExec } from './link-exec';
export type { ExecOptions, LinkInput, VdsoOptions, VersionNode } from './types';

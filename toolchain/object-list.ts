// Owns making the empty lists that the assembler and the object writer fill with objects or
// strings by `push` in code that runs hot, and make afresh for each file. V8 makes a `[]` a
// list of small integers until its first non-integer element; the optimizing compiler, having
// seen one such list change kind in a file before, then compiles each `push` as a store of a
// small integer, and the next file's first push of an object undoes that code (a "not a Smi"
// deoptimization, then a compilation again) in each of the first assemblies of a process.
// A list made here has the kind of a list of objects from the start (docs/speed-and-exactness.md,
// the assembler's sections).

/** An empty list that holds objects or strings from the start (never changes element kind). */
export function objectList<T>(): T[] {
  const list: T[] = [undefined as T];
  list.length = 0;
  return list;
}

/**
 * An empty list of objects that may be filled out of order (holes left): made by a literal of
 * its own, already of the holey kind. A list made by objectList that got a hole would change
 * that literal's kind for every list it makes after (V8 learns kinds per literal), and optimized
 * code that met the lists of the first kind is undone when it meets one of the new kind.
 */
export function sparseObjectList<T>(): Array<T | undefined> {
  const list: Array<T | undefined> = [, undefined];
  list.length = 0;
  return list;
}

// Owns the list of kernel state kept beside the objects it belongs to (a WeakMap keyed by a
// task, the machine, an open file description): one registry, so that whatever walks the
// machine's state (the debugger's checkpoints, emulator/debug/checkpoint.ts) finds it too.

/** Every side table made by sideTable(), in creation order. */
export const SIDE_TABLES: ReadonlyArray<WeakMap<object, unknown>> = [];

/** A new side table, registered. */
export function sideTable<K extends object, V>(): WeakMap<K, V> {
  const table = new WeakMap<K, V>();
  (SIDE_TABLES as Array<WeakMap<object, unknown>>).push(table as unknown as WeakMap<object, unknown>);
  return table;
}

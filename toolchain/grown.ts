// Owns growing a column kept in a typed array (places, line entries, numeric references, cpp's
// spans): a larger array of the same kind holding the old one's values at the start.

type Column = Int32Array | Float64Array | Uint8Array;

/** A new array of `column`'s kind and `length` elements, `column`'s values first. */
export function grown<T extends Column>(column: T, length: number): T {
  const out = new (column.constructor as new (length: number) => T)(length);
  out.set(column);
  return out;
}

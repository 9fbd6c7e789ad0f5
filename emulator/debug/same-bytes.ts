// Owns the debugger's byte-for-byte comparison of two byte arrays (a checkpoint's pages, a kept
// image or generated source checked against the bytes now).

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

// Owns the bulk part of rep movs and rep stos (sem-string.ts): the iterations whose elements
// lie whole on pages that Memory's TLBs hold (where no access can fault, hit a watchpoint,
// write code or need a copy on write), done as typed-array copies and fills with the memory
// one iteration after another would leave. Each returns how many iterations it did; the
// compiled loop advances esi, edi and ecx by that and does the next one itself (a page
// crossing, a page not in a TLB, an overlap that repeats bytes), which fills the TLBs.
import { PAGE_SIZE, type Memory } from '../memory/memory';

/** How many elements of `size` bytes from page offset `offset` on lie whole on its page, stepping up (step > 0) or down. */
function room(offset: number, size: number, step: number): number {
  if (offset + size > PAGE_SIZE) return 0;
  return step > 0 ? ((PAGE_SIZE - offset) / size) | 0 : ((offset / size) | 0) + 1;
}

/**
 * Copies between two pages' bytes of at most this many bytes go element by element: a view
 * (`subarray`) for TypedArray.set is an object on V8's heap each time, and a steady run of the
 * call-heavy bench made about 26 K of them (2.6 MB of the 5.4 MB it allocated: a scavenge every
 * few runs; docs/speed-and-exactness.md).
 */
const VIEW_COPY_FROM = 256;

// Two functions, not one over both array types: each keeps its element accesses of one kind (monomorphic in V8).
function copyWords(from: Int32Array, at: number, to: Int32Array, into: number, n: number): void {
  for (let k = 0; k < n; k++) to[into + k] = from[at + k]!;
}

function copyBytes(from: Uint8Array, at: number, to: Uint8Array, into: number, n: number): void {
  for (let k = 0; k < n; k++) to[into + k] = from[at + k]!;
}

/** Up to `count` iterations of movs (elements of `size` bytes, addresses moving by `step`) from linear `src` to `dst`. */
export function repMovs(m: Memory, src: number, dst: number, count: number, size: number, step: number): number {
  let done = 0;
  while (done < count) {
    const from = m.loadPage(src);
    const to = from === null ? null : m.storePage(dst);
    if (from === null || to === null) break;
    const n = Math.min(count - done, room(src & (PAGE_SIZE - 1), size, step), room(dst & (PAGE_SIZE - 1), size, step));
    if (n <= 0) break;
    const bytes = n * size;
    // The lowest byte of each range.
    const s0 = (src & (PAGE_SIZE - 1)) - (step > 0 ? 0 : (n - 1) * size);
    const d0 = (dst & (PAGE_SIZE - 1)) - (step > 0 ? 0 : (n - 1) * size);
    // On the same bytes, one iteration after another reads what an earlier one wrote when the
    // destination starts inside the source ahead of the direction of travel: a copy made at
    // once would not repeat those bytes, so such iterations go one by one.
    // Two Page objects share bytes only when both are a shared mapping's (memory.ts Page.shared).
    const same = from === to || (from.shared && to.shared && from.u8.buffer === to.u8.buffer);
    if (same && (step > 0 ? s0 < d0 && d0 < s0 + bytes : d0 < s0 && s0 < d0 + bytes)) break;
    if (from === to) to.u8.copyWithin(d0, s0, s0 + bytes);
    else if (bytes > VIEW_COPY_FROM || same) to.u8.set(from.u8.subarray(s0, s0 + bytes), d0);
    else if (((s0 | d0 | bytes) & 3) === 0) copyWords(from.i32, s0 >> 2, to.i32, d0 >> 2, bytes >> 2);
    else copyBytes(from.u8, s0, to.u8, d0, bytes);
    done += n;
    // Signed: the stack's addresses (0xffff....) are then small numbers V8 holds without a heap number at each call.
    src = (src + n * step) | 0;
    dst = (dst + n * step) | 0;
  }
  return done;
}

/** Up to `count` iterations of stos (elements of `size` bytes holding `value`, addresses moving by `step`) at linear `dst`. */
export function repStos(m: Memory, dst: number, value: number, count: number, size: number, step: number): number {
  let done = 0;
  while (done < count) {
    const to = m.storePage(dst);
    if (to === null) break;
    const n = Math.min(count - done, room(dst & (PAGE_SIZE - 1), size, step));
    if (n <= 0) break;
    const lo = (dst & (PAGE_SIZE - 1)) - (step > 0 ? 0 : (n - 1) * size);
    if (size === 1) to.u8.fill(value, lo, lo + n);
    else if (lo % size === 0) (size === 4 ? to.i32 : to.u16).fill(value, lo / size, lo / size + n);
    else for (let k = 0; k < n * size; k++) to.u8[lo + k] = value >>> (8 * (k % size));
    done += n;
    dst = (dst + n * step) | 0;
  }
  return done;
}

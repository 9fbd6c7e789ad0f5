// Owns bounding a wait for an event: the event's promise raced against a timer that is
// cleared as soon as the race is decided. A timer left pending keeps node's event loop, and
// so the test process, alive until it fires, long after the test itself has passed.

/** `work`'s outcome, or `late()`'s (its value, or what it throws) if `work` has not settled within `ms`. */
export function within<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (e) {
        reject(e);
      }
    }, ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

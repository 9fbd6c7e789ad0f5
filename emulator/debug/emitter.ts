// Owns delivering the debugger runtime's events: a typed event map (no event names as free
// strings) and delivery on a later tick, in the order emitted, so that an event never fires
// inside the request that caused it.

type Listener<T> = (event: T) => void;

export class LaterEmitter<M> {
  private readonly listeners = new Map<keyof M, Array<Listener<never>>>();
  private readonly queue: Array<() => void> = [];
  private scheduled = false;

  on<K extends keyof M>(name: K, listener: Listener<M[K]>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(name, list);
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    this.queue.push(() => {
      for (const l of this.listeners.get(name) ?? []) (l as Listener<M[K]>)(event);
    });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const pending = this.queue.splice(0, this.queue.length);
    for (const deliver of pending) deliver();
  }
}

// One-shot waiters keyed by container id (next start, next exit) that a caller can withdraw: a
// client that goes away takes its waiter with it, instead of leaving a closure (and whatever it
// holds: a response, a log follower) in the map until the container next starts or exits.

export type WaiterMap<T> = Map<string, Array<(v: T) => void>>;

let pending = 0;

/** Waiters registered and neither fired nor withdrawn, across every map (berthd's resource report). */
export function pendingWaiters(): number {
  return pending;
}

/** Registers a waiter for `id`; an abort of `signal` withdraws it and rejects with the signal's reason. */
export function addWaiter<T>(map: WaiterMap<T>, id: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      const list = map.get(id);
      const i = list ? list.indexOf(waiter) : -1;
      if (i >= 0) {
        list!.splice(i, 1);
        if (list!.length === 0) map.delete(id);
        pending--;
      }
      reject(signal!.reason);
    };
    const waiter = (v: T) => {
      pending--;
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const list = map.get(id);
    if (list) list.push(waiter);
    else map.set(id, [waiter]);
    pending++;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

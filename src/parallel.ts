// Bounded concurrency for set-based work split into disjoint pages.
/** Runs `fn` over the items, `limit` at a time (pages of disjoint customers). */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Runs `fn` over the items an async source yields, `limit` at a time, pulling the next item
 * only when a runner is free: a source that reads its pages from a cursor holds no more than
 * `limit` + 1 of them. Stops pulling after the first failure, and closes the source.
 */
export async function inParallelFrom<T>(source: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<unknown>) {
  const it = source[Symbol.asyncIterator]();
  // One pull at a time: a cursor's iterator is not safe to advance from two callers at once.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = () => {
    const next = pulling.then(() => it.next());
    pulling = next.catch(() => undefined);
    return next;
  };
  let failed = false;
  try {
    await Promise.all(
      Array.from({ length: limit }, async () => {
        try {
          for (let r = await pull(); !r.done && !failed; r = await pull()) await fn(r.value);
        } catch (err) {
          failed = true;
          throw err;
        }
      }),
    );
  } finally {
    await pulling;
    await it.return?.();
  }
}

/** At most `size` callers inside `run` at once; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays as it is.
      if (next) next();
      else this.active--;
    }
  }
}

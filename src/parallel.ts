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

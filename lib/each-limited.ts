/** Runs `fn` over items, at most `limit` at a time; collects failures instead of stopping at the first. */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item).catch((e) => failures.push(e));
    }
  });
  await Promise.all(lanes);
  return failures;
}

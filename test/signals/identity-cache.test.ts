// The API process caches identifier → customer so a known customer's signals store without a
// lookup; the cache is bounded over all workspaces, so many tenants cannot outgrow the heap.
import { describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.ts";
import { ingestSignals } from "../../src/signals/ingest.ts";
import { cachedIdentities } from "../../src/signals/store.ts";
import { useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();

const withCacheSize = (size: number): Deps => ({
  database: ctx.database,
  jobs: ctx.jobs,
  log: ctx.log,
  clock: ctx.clock,
  config: { ...ctx.config, IDENTITY_CACHE_SIZE: size },
});
const push = async (deps: Deps, workspaceId: string, customers: string[]) => {
  const result = await ingestSignals(deps, { workspaceId, items: customers.map((c) => signal.session(c, daysAgo(1))) });
  return result.results.map((r) => (r.status === "accepted" ? r.customerId : r.status));
};

describe("the identity cache", () => {
  it("drops the least recently used workspace's identities first when the process reaches its cap", async () => {
    const deps = withCacheSize(4);
    const a = await ctx.workspace();
    const b = await ctx.workspace();
    await push(deps, a.id, ["a-1", "a-2"]);
    await push(deps, b.id, ["b-1", "b-2"]);
    await push(deps, a.id, ["a-3"]);
    expect(cachedIdentities(ctx.database)).toEqual({ workspaces: 1, identities: 3 });
  });

  it("stores an evicted workspace's signals on the same customers as before", async () => {
    const deps = withCacheSize(2);
    const a = await ctx.workspace();
    const b = await ctx.workspace();
    const before = await push(deps, a.id, ["a-1", "a-2"]);
    await push(deps, b.id, ["b-1", "b-2"]);
    expect(cachedIdentities(ctx.database)).toEqual({ workspaces: 1, identities: 2 });
    expect(await push(deps, a.id, ["a-1", "a-2"])).toEqual(before);
  });

  it("caches nothing at size 0 and still lands every signal on its customer", async () => {
    const deps = withCacheSize(0);
    const a = await ctx.workspace();
    const first = await push(deps, a.id, ["a-1"]);
    expect(cachedIdentities(ctx.database)).toEqual({ workspaces: 0, identities: 0 });
    expect(await push(deps, a.id, ["a-1"])).toEqual(first);
  });

  it("stores a flush of cached and unseen identities each on its customer, creating only the unseen ones", async () => {
    const deps = withCacheSize(100);
    const a = await ctx.workspace();
    await push(deps, a.id, ["a-1", "a-2"]);
    const repeated = signal.session("a-1", daysAgo(2));
    await ingestSignals(deps, { workspaceId: a.id, items: [repeated] });
    // Cached, unseen (another kind of identifier: its customer id is not its value), cached,
    // a repeat of a stored signal, unseen again.
    const items = [
      signal.session("a-2", daysAgo(1)),
      signal.session("ios-9", daysAgo(1), { identityKind: "device_id" }),
      signal.session("a-1", daysAgo(1)),
      repeated,
      signal.session("a-3", daysAgo(1)),
    ];
    const result = await ingestSignals(deps, { workspaceId: a.id, items });
    expect(result.results.map((r) => (r.status === "accepted" ? r.customerId : r.status))).toEqual(["a-2", "device_id:ios-9", "a-1", "duplicate", "a-3"]);
    const customers = await ctx.database.sql`select id from customers where workspace_id = ${a.id} order by id`;
    expect(customers.map((c) => c.id)).toEqual(["a-1", "a-2", "a-3", "device_id:ios-9"]);
  });
});

// Connection settings the set-based statements rely on, on both pools (raw SQL and drizzle).
import { sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

const settingsOf = async () => {
  const raw = await ctx.database.sql<{ plan_cache_mode: string; jit: string }[]>`select current_setting('plan_cache_mode') as plan_cache_mode, current_setting('jit') as jit`;
  const viaDrizzle = await ctx.database.db.execute<{ plan_cache_mode: string; jit: string }>(
    dsql`select current_setting('plan_cache_mode') as plan_cache_mode, current_setting('jit') as jit`,
  );
  return [raw[0], viaDrizzle[0]];
};

describe("database connections", () => {
  it("plan every statement for its own parameters: a generic plan scans a whole workspace per page", async () => {
    for (const s of await settingsOf()) expect(s?.plan_cache_mode).toBe("force_custom_plan");
  });

  it("do not JIT-compile: for these statements compiling costs more than it saves", async () => {
    for (const s of await settingsOf()) expect(s?.jit).toBe("off");
  });
});

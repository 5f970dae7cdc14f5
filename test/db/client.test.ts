// Connection settings the set-based statements rely on, on both pools (raw SQL and drizzle).
import { sql as dsql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../db/client.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

type Settings = { plan_cache_mode: string; jit: string; time_zone: string };
const settingsOf = async (database = ctx.database) => {
  const raw = await database.sql<Settings[]>`
    select current_setting('plan_cache_mode') as plan_cache_mode, current_setting('jit') as jit, current_setting('TimeZone') as time_zone`;
  const viaDrizzle = await database.db.execute<Settings>(
    dsql`select current_setting('plan_cache_mode') as plan_cache_mode, current_setting('jit') as jit, current_setting('TimeZone') as time_zone`,
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

  it("work in UTC even where the database's own time zone is another: days and windows are UTC ones", async () => {
    const [{ db } = { db: "" }] = await ctx.database.sql<{ db: string }[]>`select current_database() as db`;
    await ctx.database.sql.unsafe(`alter database "${db}" set timezone = 'Asia/Seoul'`);
    const fresh = connectDatabase(ctx.database.url, { max: 2 });
    try {
      for (const s of await settingsOf(fresh)) expect(s?.time_zone).toBe("UTC");
    } finally {
      await fresh.close();
      await ctx.database.sql.unsafe(`alter database "${db}" reset timezone`);
    }
  });
});

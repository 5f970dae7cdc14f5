// Workers run in this file only: a live worker would race the pinned clock in other files.
import { describe, expect, it } from "vitest";
import { eventually, useTestContext } from "../support/context.ts";
import { alertsOf, defection, goldHistory, pushSignals } from "./support.ts";

const ctx = useTestContext();

describe("the streaming path", () => {
  it("scores in a queued job after signals arrive over the API", async () => {
    const ws = await ctx.workspace();
    ctx.startWorkers();
    await pushSignals(ctx, ws, [...goldHistory("live"), ...defection("live", 120_000)]);
    const alerts = await eventually(async () => {
      const a = await alertsOf(ctx, ws, "live");
      return a.length > 0 ? a : undefined;
    });
    expect(alerts[0].reasons.length).toBeGreaterThan(0);
  });
});

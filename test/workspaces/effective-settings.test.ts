import { describe, expect, it } from "vitest";
import { readJson, useTestContext } from "../support/context.ts";

const ctx = useTestContext();

describe("GET /v1/workspace", () => {
  it("shows every setting in effect, defaults filled in, and none as set by a new workspace", async () => {
    const ws = await ctx.workspace();
    const body = await readJson(await ctx.request("/v1/workspace", { key: ws.keys.manager }));
    expect(body.settings).toMatchObject({
      currency: "KRW",
      scoring: { alertThreshold: 50, alertOnSeverity: "high", modelWeight: 20 },
      actions: { taskTiers: ["Platinum", "Diamond"], market: "KR", defaultTimezone: "Asia/Seoul" },
      model: { horizonDays: 90 },
      tiers: expect.any(Object),
    });
    expect(body.setByWorkspace).toEqual([]);
  });

  it("marks what the workspace set, keeping the other defaults beside it", async () => {
    const ws = await ctx.workspace();
    const res = await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { currency: "USD", fxRates: { KRW: 0.00075 }, scoring: { alertThreshold: 60 } } });
    expect(res.status).toBe(200);
    const body = await readJson(await ctx.request("/v1/workspace", { key: ws.keys.manager }));
    expect(body.settings.scoring).toMatchObject({ alertThreshold: 60, modelWeight: 20 });
    expect(body.settings.currency).toBe("USD");
    expect(body.setByWorkspace).toEqual(["currency", "fxRates", "scoring.alertThreshold"]);
  });

  it("gives the language in effect: Korean for a KRW workspace, English otherwise, unless the workspace chose", async () => {
    const ws = await ctx.workspace();
    const get = async () => readJson(await ctx.request("/v1/workspace", { key: ws.keys.manager }));
    const patch = (json: unknown) => ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json });
    expect((await get()).settings.locale).toBe("ko");
    expect((await patch({ currency: "USD", fxRates: { KRW: 0.00075 } })).status).toBe(200);
    expect((await get()).settings.locale).toBe("en");
    expect((await patch({ locale: "ko" })).status).toBe(200);
    const chosen = await get();
    expect(chosen.settings.locale).toBe("ko");
    expect(chosen.setByWorkspace).toContain("locale");
  });
});

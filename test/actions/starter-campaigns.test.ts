import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { starterCampaigns } from "../../src/campaigns/starter-campaigns.ts";
import { drainOutbox } from "../../src/outbox/drain.ts";
import { newId } from "../../src/ids.ts";
import { readJson, useTestContext } from "../support/context.ts";
import { count, raiseAlert } from "./support.ts";

const ctx = useTestContext();

describe("starter campaigns", () => {
  it("a new workspace has the campaigns the default pack names, paused", async () => {
    const ws = await ctx.workspace();
    const { campaigns } = await readJson(await ctx.request("/v1/campaigns", { key: ws.keys.marketer }));
    expect(campaigns.map((c: { slug: string }) => c.slug).sort()).toEqual(["vip-competitor-winback", "vip-exclusive-coupon", "vip-reactivation"]);
    expect(campaigns.every((c: { status: string }) => c.status === "paused")).toBe(true);
    const winback = campaigns.find((c: { slug: string }) => c.slug === "vip-competitor-winback");
    expect(winback.template.title).toBe("보고 싶었어요!");
    expect(winback.name).toContain("We missed you!");
    expect(winback.coupon).toMatchObject({ kind: "amount", value: 10000 });
    expect(campaigns.find((c: { slug: string }) => c.slug === "vip-exclusive-coupon").tiers).toEqual(["Platinum", "Diamond"]);
    // Every campaign the default pack asks for exists.
    const { rules } = await readJson(await ctx.request("/v1/rules", { key: ws.keys.marketer }));
    const named = rules.map((r: { definition: { actions: { campaign?: string } } }) => r.definition.actions.campaign).filter(Boolean);
    expect(named.length).toBeGreaterThan(0);
    for (const slug of named) expect(campaigns.map((c: { slug: string }) => c.slug)).toContain(slug);
  });

  it("a paused campaign enrolls nobody and the alert says where to enable it; enabled, the next alert enrolls", async () => {
    const ws = await ctx.workspace();
    const alertId = await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    expect(await count(ctx, "enrollments", ws.id)).toBe(0);
    const alert = await readJson(await ctx.request(`/v1/alerts/${alertId}`, { key: ws.keys.manager }));
    expect(alert.campaigns).toEqual([
      expect.objectContaining({ campaign: "vip-competitor-winback", status: "paused", note: expect.stringContaining("캠페인 일시 중지됨: 콘솔이나 PATCH /v1/campaigns/vip-competitor-winback") }),
    ]);
    const listed = await readJson(await ctx.request("/v1/alerts", { key: ws.keys.manager }));
    expect(listed.alerts[0].campaigns[0].status).toBe("paused");

    const on = await ctx.request("/v1/campaigns/vip-competitor-winback", { method: "PATCH", key: ws.keys.marketer, json: { status: "active", holdoutPercent: 0 } });
    expect(on.status).toBe(200);
    expect((await readJson(on)).status).toBe("active");
    const second = await raiseAlert(ctx, ws, "vip-2");
    await drainOutbox(ctx);
    const enrolled = await readJson(await ctx.request(`/v1/alerts/${second}`, { key: ws.keys.manager }));
    expect(enrolled.campaigns).toEqual([expect.objectContaining({ campaign: "vip-competitor-winback", status: "enrolled", arm: "treated" })]);
  });

  it("says a paused campaign in English in an English workspace", async () => {
    const ws = await ctx.workspace();
    expect((await ctx.request("/v1/workspace/settings", { method: "PATCH", key: ws.keys.admin, json: { locale: "en" } })).status).toBe(200);
    const alertId = await raiseAlert(ctx, ws, "vip");
    await drainOutbox(ctx);
    const alert = await readJson(await ctx.request(`/v1/alerts/${alertId}`, { key: ws.keys.manager }));
    expect(alert.campaigns[0].note).toMatch(/^campaign paused: enable it in the console or with PATCH \/v1\/campaigns\/vip-competitor-winback/);
  });

  it("a rule naming an unknown campaign is refused at save time, naming the field", async () => {
    const ws = await ctx.workspace();
    const rule = {
      name: "Big rival spenders",
      conditions: { all: [{ fact: "competitorSpend30d", operator: "greaterThan", value: 1 }] },
      tiers: ["Gold"],
      points: 10,
      severity: "low",
      cooldownDays: 7,
      actions: { campaign: "no-such-campaign" },
    };
    const res = await ctx.request("/v1/rules", { key: ws.keys.marketer, json: rule });
    expect(res.status).toBe(422);
    const problem = await readJson(res);
    expect(problem.errors).toEqual([{ path: "actions.campaign", message: expect.stringContaining('unknown campaign "no-such-campaign"') }]);
    expect((await readJson(await ctx.request("/v1/rules", { key: ws.keys.marketer }))).rules.map((r: { id: string }) => r.id)).not.toContain("big-rival-spenders");
    const patch = await ctx.request("/v1/rules/vip-order-drop", { method: "PATCH", key: ws.keys.marketer, json: { actions: { campaign: "nope", task: true } } });
    expect(patch.status).toBe(422);
    expect((await readJson(patch)).errors[0].path).toBe("actions.campaign");
    const ok = await ctx.request("/v1/rules", { key: ws.keys.marketer, json: { ...rule, actions: { campaign: "vip-exclusive-coupon" } } });
    expect(ok.status).toBe(201);
  });

  it("migration 0015 gives a workspace that existed before the same starter campaigns, paused", async () => {
    const id = newId("ws");
    await ctx.database.sql`insert into workspaces (id, name, settings) values (${id}, 'Older brand', ${ctx.database.sql.json({ currency: "KRW", fxRates: {}, trustedProviders: null, freshnessDays: { default: 90 }, minConfidence: 0 })})`;
    const migration = readFileSync(new URL("../../db/migrations/0015_starter_campaigns.sql", import.meta.url), "utf8");
    const insert = migration.split("--> statement-breakpoint").find((s) => s.includes("INSERT INTO"))!;
    await ctx.database.sql.unsafe(insert);
    const rows = await ctx.database.sql<Record<string, unknown>[]>`
      select slug, name, channel, status, template, coupon, tiers, holdout_percent, cap_count, cap_days, attribution_days, advertising, trigger_rules
      from campaigns where workspace_id = ${id} order by slug`;
    const expected = [...starterCampaigns]
      .sort((a, b) => a.slug.localeCompare(b.slug))
      .map((c) => ({
        slug: c.slug, name: c.name, channel: c.channel, status: "paused", template: c.template, coupon: c.coupon, tiers: c.tiers,
        holdout_percent: c.holdoutPercent, cap_count: c.capCount, cap_days: c.capDays, attribution_days: c.attributionDays, advertising: true, trigger_rules: [],
      }));
    expect(rows).toEqual(expected);
  });
});

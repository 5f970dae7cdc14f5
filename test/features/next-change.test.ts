// Features hold until next_change_at: the daily pass recomputes only customers whose
// moment has come, so a window edge missing from the list would leave features stale.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { featuresSelect } from "../../db/queries/features.ts";
import { updateWorkspaceSettings, getWorkspace } from "../../src/workspaces/workspaces.ts";
import { useTestContext } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const DAY = 86_400_000;
const NOW = new Date("2026-11-20T12:00:00Z").getTime();

// Columns that may differ between two moments with no window edge between them. The usual
// longest gap is shrunk toward the workspace's spread, read from other customers' stored
// features, which the workers refresh meanwhile: it moves with them, not with this
// customer's windows.
const moving = new Set(["as_of", "days_since_last_purchase", "next_change_at", "usual_max_gap_days"]);

const anySignal = (customerId: string) =>
  fc
    .record({
      kind: fc.constantFrom("purchase", "refund", "session", "supportTicket", "campaignResponse", "competitorAppUsage", "competitorPurchase"),
      // Mostly the past 250 days; a few dated ahead of now, within the day ingest allows.
      ago: fc.oneof(fc.double({ min: 0, max: 250, noNaN: true }), fc.double({ min: -0.9, max: 0, noNaN: true })),
      periodDays: fc.option(fc.double({ min: 0, max: 40, noNaN: true }), { nil: undefined }),
      source: fc.constantFrom("panel-co", "card-panel", "other"),
      app: fc.constantFrom("A", "B", "C"),
    })
    .map(({ kind, ago, periodDays, source, app }) => {
      const at = daysAgo(ago);
      const period = periodDays === undefined ? undefined : { start: daysAgo(ago + periodDays), end: at };
      switch (kind) {
        case "competitorAppUsage":
          return signal.competitorAppUsage(customerId, at, { source, ...(period ? { period } : {}), data: { competitor: `r-${app}`, app } });
        case "competitorPurchase":
          return signal.competitorPurchase(customerId, at, { source, ...(period ? { period } : {}) });
        default:
          return signal[kind](customerId, at);
      }
    });

describe("when features next change", () => {
  it("keeps every stored feature the same until next_change_at", async () => {
    const ws = await ctx.workspace();
    // Per-provider freshness, so freshness edges differ by source.
    await updateWorkspaceSettings(ctx.database.db, { workspaceId: ws.id, patch: { freshnessDays: { default: 60, "panel-co": 14 } } });
    const { settings } = await getWorkspace(ctx.database.db, ws.id);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(anySignal("placeholder"), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (signals, fraction) => {
          const customerId = `c-${++n}`;
          const res = await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: signals.map((s) => ({ ...s, customerId })) } });
          expect(res.status).toBe(200);
          const at = async (t: number) => {
            const [row] = await featuresSelect(ctx.database.sql, { workspaceId: ws.id, customerIds: [customerId], asOf: new Date(t) }, settings);
            return row!;
          };
          const first = await at(NOW);
          const next = (first.next_change_at as Date | null)?.getTime() ?? NOW + 400 * DAY;
          expect(next).toBeGreaterThanOrEqual(NOW);
          // Any moment before the next change (stay clear of it by a millisecond).
          const later = await at(NOW + Math.floor((next - NOW - 1) * fraction));
          for (const [column, value] of Object.entries(first)) {
            if (!moving.has(column)) expect({ column, value: later[column] }).toEqual({ column, value });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("changes them once it has come", async () => {
    const ws = await ctx.workspace();
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: { signals: [signal.session("c", daysAgo(2))] } });
    const { settings } = await getWorkspace(ctx.database.db, ws.id);
    const [now] = await featuresSelect(ctx.database.sql, { workspaceId: ws.id, customerIds: ["c"], asOf: new Date(NOW) }, settings);
    // The session leaves the 7-day window five days from now.
    expect((now!.next_change_at as Date).toISOString()).toBe(new Date(NOW + 5 * DAY).toISOString());
    const [after] = await featuresSelect(ctx.database.sql, { workspaceId: ws.id, customerIds: ["c"], asOf: new Date(NOW + 5 * DAY + 1) }, settings);
    expect({ before: now!.sessions_7d, after: after!.sessions_7d }).toEqual({ before: 1, after: 0 });
  });
});

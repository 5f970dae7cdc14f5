// Each archetype's defining property, on a fixed seed: what makes a customer of that kind
// what it is, as the detection-quality benchmark relies on.
import { describe, expect, it } from "vitest";
import type { SignalInput } from "../../src/signals/schema.ts";
import { simulate, type Archetype } from "../../src/simulator/index.ts";

const DAY = 86_400_000;
const sim = simulate({ customers: 3_000, days: 365, seed: 7 });
const bySignal = new Map<string, SignalInput[]>();
for (const s of sim.signals) bySignal.set(s.customerId, [...(bySignal.get(s.customerId) ?? []), s]);
const of = (a: Archetype) => sim.truth.filter((t) => t.archetype === a);
const signalsOf = (id: string) => bySignal.get(id) ?? [];
const isExternal = (s: SignalInput) => s.type === "competitor_app_usage" || s.type === "competitor_purchase";
const purchaseDays = (id: string) => signalsOf(id).filter((s) => s.type === "purchase").map((s) => (Date.parse(s.occurredAt) - sim.start.getTime()) / DAY);
const spendIn = (id: string, from: number, to: number) =>
  signalsOf(id)
    .filter((s) => s.type === "purchase" && Date.parse(s.occurredAt) >= sim.start.getTime() + from * DAY && Date.parse(s.occurredAt) < sim.start.getTime() + to * DAY)
    .reduce((sum, s) => sum + (s.type === "purchase" ? s.data.amount : 0), 0);

describe("simulated archetypes", () => {
  it("panels cover only part of the customers: within the brand's 30–60%", () => {
    const { appPanelCoverage, cardPanelCoverage } = sim.brand;
    for (const c of [appPanelCoverage, cardPanelCoverage]) expect(c).toBeGreaterThanOrEqual(0.3), expect(c).toBeLessThanOrEqual(0.6);
    const comparers = of("price_comparer");
    const seen = comparers.filter((t) => signalsOf(t.customerId).some(isExternal)).length / comparers.length;
    // Seen by at least one of two independent panels: 1 − (1 − a)(1 − c).
    const expected = 1 - (1 - appPanelCoverage) * (1 - cardPanelCoverage);
    expect(Math.abs(seen - expected)).toBeLessThan(0.12);
    expect(seen).toBeLessThan(0.9);
  });

  it("price comparers use rivals yet keep buying as before", () => {
    const watched = of("price_comparer").filter((t) => signalsOf(t.customerId).some(isExternal));
    expect(watched.length).toBeGreaterThan(20);
    for (const t of watched) expect(t.defected).toBe(false);
    // Own spend in the second half holds up against the first half, for most of them.
    const steady = watched.filter((t) => spendIn(t.customerId, 182, 365) > 0.6 * spendIn(t.customerId, 0, 182)).length;
    expect(steady / watched.length).toBeGreaterThan(0.85);
    const rivalBuyers = watched.filter((t) => signalsOf(t.customerId).some((s) => s.type === "competitor_purchase")).length;
    expect(rivalBuyers).toBeGreaterThan(0);
  });

  it("seasonal buyers have long regular gaps between bursts of buying", () => {
    const seasonal = of("seasonal").filter((t) => purchaseDays(t.customerId).length >= 4);
    expect(seasonal.length).toBeGreaterThan(50);
    const withLongGap = seasonal.filter((t) => {
      const d = purchaseDays(t.customerId).sort((a, b) => a - b);
      const gaps = d.slice(1).map((x, i) => x - d[i]!);
      return Math.max(...gaps) > 60 && gaps.filter((g) => g < 20).length >= 2;
    }).length;
    expect(withLongGap / seasonal.length).toBeGreaterThan(0.8);
    for (const t of seasonal) expect(t.defected).toBe(false);
  });

  it("faders leave with no competitor evidence at all, buying less as they go", () => {
    const faders = of("fading_vip");
    expect(faders.length).toBeGreaterThan(10);
    for (const t of faders) {
      expect(t.defected).toBe(true);
      expect(signalsOf(t.customerId).some(isExternal)).toBe(false);
      const left = Date.parse(t.defectionAt!);
      expect(signalsOf(t.customerId).filter((s) => s.type === "purchase" && Date.parse(s.occurredAt) > left)).toEqual([]);
    }
  });

  it("support leavers leave within weeks of a negative high-severity ticket", () => {
    const leavers = of("support_leaver");
    expect(leavers.length).toBeGreaterThan(5);
    for (const t of leavers) {
      expect(t.defected).toBe(true);
      const onset = Date.parse(t.onsetAt!);
      const bad = signalsOf(t.customerId).find(
        (s) => s.type === "support_ticket" && s.data.sentiment === "negative" && ["high", "critical"].includes(s.data.severity) && Date.parse(s.occurredAt) === onset,
      );
      expect(bad).toBeDefined();
      const left = Date.parse(t.defectionAt!);
      expect(left - onset).toBeLessThanOrEqual(21 * DAY + 1);
      expect(signalsOf(t.customerId).filter((s) => s.type === "purchase" && Date.parse(s.occurredAt) > left)).toEqual([]);
    }
  });

  it("app panel reports arrive after the week they cover, by up to the brand's delay", () => {
    const reports = sim.signals.filter((s) => s.type === "competitor_app_usage");
    expect(reports.length).toBeGreaterThan(0);
    const lags = reports.map((s) => (Date.parse(s.occurredAt) - Date.parse(s.period!.end)) / DAY);
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(-0.01);
    expect(Math.max(...lags)).toBeLessThanOrEqual(sim.brand.appReportDelayDays + 0.01);
    if (sim.brand.appReportDelayDays >= 2) expect(Math.max(...lags)).toBeGreaterThan(1);
  });
});

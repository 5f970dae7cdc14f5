// The simulator on its own: deterministic, archetype shares as documented, defectors who
// slide to competitors before their defection and buy nothing after it.
import { describe, expect, it } from "vitest";
import { signalSchema } from "../../src/signals/schema.ts";
import { archetypeParams, archetypes, leavingArchetypes, plainBrand, simulate } from "../../src/simulator/index.ts";

const sim = simulate({ customers: 1_000, days: 180, seed: 42 });

describe("simulate", () => {
  it("is deterministic for a seed and differs for another", () => {
    const again = simulate({ customers: 1_000, days: 180, seed: 42 });
    expect(again.signals).toEqual(sim.signals);
    expect(again.truth).toEqual(sim.truth);
    const other = simulate({ customers: 1_000, days: 180, seed: 43 });
    expect(other.signals.length).not.toBe(sim.signals.length);
  });

  it("keeps customer k the same whatever the number of customers", () => {
    const small = simulate({ customers: 10, days: 180, seed: 42 });
    const id = small.truth.find((t) => sim.truth.some((u) => u.customerId === t.customerId && u.archetype === t.archetype))!.customerId;
    expect(small.signals.filter((s) => s.customerId === id)).toEqual(sim.signals.filter((s) => s.customerId === id));
  });

  it("emits valid signals in time order with unique ids", () => {
    for (const s of sim.signals) expect(signalSchema.safeParse(s).success).toBe(true);
    const times = sim.signals.map((s) => Date.parse(s.occurredAt));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(new Set(sim.signals.map((s) => s.id)).size).toBe(sim.signals.length);
    expect(times[0]!).toBeGreaterThanOrEqual(sim.start.getTime());
    expect(times.at(-1)!).toBeLessThanOrEqual(sim.end.getTime());
  });

  it("meets the brand's archetype shares, and a seed is a brand of its own", () => {
    const counts = new Map<string, number>();
    for (const t of sim.truth) counts.set(t.archetype, (counts.get(t.archetype) ?? 0) + 1);
    for (const a of archetypes) expect(Math.abs((counts.get(a) ?? 0) - sim.brand.shares[a] * 1_000)).toBeLessThanOrEqual(1);
    expect(sim.truth.filter((t) => t.defected).every((t) => leavingArchetypes.includes(t.archetype))).toBe(true);
    const other = simulate({ customers: 10, days: 60, seed: 43 }).brand;
    expect(other.shares).not.toEqual(sim.brand.shares);
    expect(other.appPanelCoverage).not.toBe(sim.brand.appPanelCoverage);
    const plain = simulate({ customers: 1_000, days: 180, seed: 42, brand: plainBrand });
    for (const a of archetypes) expect(plain.truth.filter((t) => t.archetype === a).length).toBe(Math.round(archetypeParams[a].share * 1_000));
  });

  it("defectors show competitor signals before defecting and stop buying after", () => {
    const defectors = sim.truth.filter((t) => t.archetype === "defecting_vip");
    expect(defectors.length).toBeGreaterThan(0);
    const covered = defectors.filter((d) => sim.signals.some((s) => s.customerId === d.customerId && s.type.startsWith("competitor_")));
    expect(covered.length).toBeGreaterThan(0);
    for (const d of covered) {
      const defection = Date.parse(d.defectionAt!);
      const onset = Date.parse(d.onsetAt!);
      expect(onset).toBeLessThan(defection);
      const mine = sim.signals.filter((s) => s.customerId === d.customerId);
      const external = mine.filter((s) => s.type === "competitor_app_usage" || s.type === "competitor_purchase");
      const firstExternal = Math.min(...external.map((s) => Date.parse(s.occurredAt)));
      expect(firstExternal).toBeLessThan(defection);
      expect(firstExternal).toBeGreaterThanOrEqual(onset);
      expect(mine.filter((s) => s.type === "purchase" && Date.parse(s.occurredAt) > defection)).toEqual([]);
      expect(mine.some((s) => s.type === "purchase" && Date.parse(s.occurredAt) < onset)).toBe(true);
    }
  });

  it("keeps loyal customers buying to the end and the bait browsing competitors", () => {
    const lastMonth = sim.end.getTime() - 30 * 86_400_000;
    const loyal = sim.truth.filter((t) => t.archetype === "loyal_vip").map((t) => t.customerId);
    const buying = new Set(sim.signals.filter((s) => s.type === "purchase" && Date.parse(s.occurredAt) > lastMonth).map((s) => s.customerId));
    expect(loyal.filter((id) => buying.has(id)).length / loyal.length).toBeGreaterThan(0.9);
    // With full panel coverage (the plain brand) every bait customer is seen browsing.
    const plain = simulate({ customers: 1_000, days: 180, seed: 42, brand: plainBrand });
    const bait = new Set(plain.truth.filter((t) => t.archetype === "browsing_vip").map((t) => t.customerId));
    const browsing = new Set(plain.signals.filter((s) => s.type === "competitor_app_usage" && bait.has(s.customerId)).map((s) => s.customerId));
    expect(browsing.size / bait.size).toBeGreaterThan(0.9);
    for (const s of sim.signals) if (s.type === "purchase") expect(s.data.currency).toBe("KRW");
  });
});

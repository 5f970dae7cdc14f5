import { getTableColumns } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { customerFeatures } from "../../db/schema.ts";
import { factCatalogue, factsByName, phraseFacts } from "../../rules/facts.ts";
import { tierNames } from "../../rules/vocabulary.ts";

// purchaseWeeks is not a fact: a list of dates the seasonal Bayes factor is computed from.
const bookkeeping = ["workspaceId", "customerId", "asOf", "watermark", "nextChangeAt", "updatedAt", "purchaseWeeks"];
const columns = Object.entries(getTableColumns(customerFeatures)).filter(([name]) => !bookkeeping.includes(name));

describe("fact catalogue", () => {
  test("has one fact per customer_features column except bookkeeping, reading that column", () => {
    for (const [name, column] of columns) {
      expect(factsByName.get(name)?.sql, name).toBe(`f.${column.name}`);
    }
    expect(factCatalogue.filter((f) => f.source === "features")).toHaveLength(columns.length + 2);
  });

  test("reads days since the last purchase from f, computed as of the moment evaluated rather than stored", () => {
    expect(columns.map(([name]) => name)).not.toContain("daysSinceLastPurchase");
    expect(factsByName.get("daysSinceLastPurchase")).toMatchObject({ sql: "f.days_since_last_purchase", type: "number", nullable: true, source: "features" });
  });

  test("reads the seasonal Bayes factor from f, computed as of the moment evaluated rather than stored", () => {
    expect(columns.map(([name]) => name)).not.toContain("seasonalSilenceBayesFactor");
    expect(factsByName.get("seasonalSilenceBayesFactor")).toMatchObject({ sql: "f.seasonal_silence_bayes_factor", type: "number", nullable: true, source: "features" });
  });

  test("types feature facts as their columns are typed, and nullable as they are", () => {
    const expected = { PgDoublePrecision: ["number"], PgInteger: ["integer"], PgBoolean: ["boolean"], PgText: ["string"], PgArray: ["string[]"], PgTimestamp: ["timestamp"] };
    for (const [name, column] of columns) {
      const fact = factsByName.get(name)!;
      expect(expected[column.columnType as keyof typeof expected], name).toContain(fact.type);
      expect(fact.nullable, name).toBe(!column.notNull);
    }
  });

  test("names unique facts", () => {
    expect(new Set(factCatalogue.map((f) => f.name)).size).toBe(factCatalogue.length);
  });

  test("links the six baselines", () => {
    const baselines = Object.fromEntries(factCatalogue.filter((f) => f.baseline).map((f) => [f.name, f.baseline]));
    expect(baselines).toEqual({
      spend30d: "spend30dBaseline",
      orders30d: "orders30dBaseline",
      sessions30d: "sessions30dBaseline",
      competitorSpend30d: "competitorSpend30dBaseline",
      competitorApps30d: "competitorApps30dBaseline",
      competitorPurchases30d: "competitorPurchases30dBaseline",
    });
  });

  test("offers baseline operators only on facts with a baseline", () => {
    for (const f of factCatalogue) expect(f.operators.includes("decreasedByAtLeast"), f.name).toBe(Boolean(f.baseline));
  });

  test("reads the tier as a rank from t and lists the tiers in rank order", () => {
    expect(factsByName.get("tier")).toMatchObject({ type: "tier", sql: "t.tier_rank", values: tierNames });
    expect(factsByName.get("tierScore")).toMatchObject({ type: "number", sql: "t.tier_score" });
  });

  test("reads model facts from m, nullable", () => {
    const model = factCatalogue.filter((f) => f.source === "model").map((f) => [f.name, f.sql, f.nullable]);
    expect(model).toEqual([
      ["churnProbability", "m.churn_probability", true],
      ["riskProbability", "m.risk_probability", true],
      ["riskAlertThreshold", "m.risk_alert_threshold", true],
      ["clv", "m.clv", true],
      ["valueAtRisk", "m.value_at_risk", true],
      ["pAlive", "m.p_alive", true],
      ["expectedPurchases90d", "m.expected_purchases_90d", true],
    ]);
  });

  test("derives silenceRatio from days since the last purchase and the usual interval", () => {
    expect(factsByName.get("silenceRatio")).toMatchObject({ source: "derived", type: "number", derivedFrom: ["daysSinceLastPurchase", "purchaseIntervalDays"] });
  });

  test("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(factCatalogue))).toEqual(factCatalogue);
  });

  test("gives every fact a label, a description of a sentence or more, and a phrase", () => {
    for (const f of factCatalogue) {
      expect(f.label.length, f.name).toBeGreaterThan(2);
      expect(f.description.length, f.name).toBeGreaterThan(30);
      expect(f.phrase.text, f.name).toMatch(/\{value\}|^has /);
    }
  });

  test("mentions only catalogue facts in phrases", () => {
    for (const f of factCatalogue) for (const name of phraseFacts(f)) expect(factsByName.has(name), `${f.name} → ${name}`).toBe(true);
  });

  test("says for boolean facts what false means", () => {
    for (const f of factCatalogue.filter((f) => f.type === "boolean")) expect(f.phrase.whenFalse, f.name).toBeTruthy();
  });

  test("says for nullable facts what a missing value means", () => {
    for (const f of factCatalogue.filter((f) => f.nullable)) expect(f.phrase.whenNull, f.name).toBeTruthy();
  });
});

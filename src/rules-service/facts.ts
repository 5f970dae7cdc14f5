// The fact catalogue as marketers read it, and a customer's stored facts as rules read them.
import { factCatalogue, type FactDefinition, type FactName, type FactValues } from "../../rules/index.ts";
import { koPhrases } from "../../rules/phrases-ko.ts";
import { operatorGuide, ruleLanguageNotes } from "../../rules/vocabulary.ts";

/**
 * The catalogue without its SQL and sentence templates (those are the engine's business),
 * with what each operator means and answers for an unknown fact.
 */
export function listFacts() {
  return {
    operators: Object.entries(operatorGuide).map(([name, g]) => ({ name, ...g })),
    notes: ruleLanguageNotes,
    facts: factCatalogue.map((f) => ({
      name: f.name,
      label: f.label,
      // The console shows the viewer's language; reasons use the same Korean words.
      labels: { en: f.label, ko: koPhrases[f.name as FactName].label },
      type: f.type,
      unit: f.unit,
      window: f.window,
      description: f.description,
      operators: f.operators,
      nullable: f.nullable,
      source: f.source,
      ...(f.baseline ? { baseline: f.baseline } : {}),
      ...(f.values ? { values: f.values } : {}),
      ...(f.derivedFrom ? { derivedFrom: f.derivedFrom } : {}),
    })),
  };
}

// Input facts read one column of f (features), t (tier) or m (model); derived facts are
// computed by the engine. The tier fact is passed by name; its SQL reads the rank.
const column = /^[ftm]\.([a-z0-9_]+)$/;
const inputFacts = factCatalogue
  .filter((f) => f.source !== "derived")
  .map((f) => {
    if (f.type === "tier") return { fact: f, column: "tier" };
    const m = column.exec(f.sql);
    if (!m) throw new Error(`fact ${f.name} reads ${f.sql}, not one column; teach factValuesOf to read it`);
    return { fact: f, column: m[1]! };
  });

/**
 * A row holding customer_features columns, the tier's `tier` and `tier_score`, and the
 * model's columns (null when absent) → the engine's FactValues.
 */
export function factValuesOf(row: Record<string, unknown>): FactValues {
  const facts: Record<string, unknown> = {};
  for (const { fact, column } of inputFacts) facts[fact.name] = row[column] ?? null;
  return facts as FactValues;
}

/** Facts as JSON: timestamps as ISO strings. */
export function factsForDisplay(facts: FactValues): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

export type { FactDefinition };

// Property: for random valid rules and random customers, the compiled JS predicate and the
// compiled SQL predicate (run by PostgreSQL) agree on every customer.
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { compileRule } from "../../rules/compile-js.ts";
import { compileRuleToSql } from "../../rules/compile-sql.ts";
import { validateConditions, type ConditionNode } from "../../rules/conditions.ts";
import { derivedFactColumnsClose, derivedFactColumnsOpen, factCatalogue, type FactDefinition, type FactValues } from "../../rules/facts.ts";
import { comparableFamily, isComparisonOperator, tierNames, tierRank, type Operator } from "../../rules/vocabulary.ts";

// Connection in one place, to move onto the shared harness later. A session time zone far
// from UTC shows timestamps do not depend on it.
function connect() {
  const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  return postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: "Asia/Seoul" } });
}

const sql = connect();
const schema = `rules_agreement_${Math.random().toString(36).slice(2, 10)}`;
const table = `"${schema}".customers`;

// Every catalogue fact read from a column becomes a column of one test table, self-joined
// as f, t and m so the catalogue's SQL runs unchanged.
const stored = factCatalogue.filter((f) => f.source !== "derived");
const columnOf = (f: FactDefinition) => {
  const m = /^[ftm]\.(\w+)$/.exec(f.sql);
  if (!m) throw new Error(`unexpected SQL for ${f.name}: ${f.sql}`);
  return m[1]!;
};
const pgType = { number: "float8", integer: "int4", boolean: "boolean", string: "text", "string[]": "text[]", timestamp: "timestamptz", tier: "int4" };

beforeAll(async () => {
  await sql.unsafe(`create schema "${schema}"`);
  const columns = stored.map((f) => `${columnOf(f)} ${pgType[f.type]}`).join(", ");
  await sql.unsafe(`create table ${table} (run int not null, customer_id text not null, ${columns}, primary key (run, customer_id))`);
});

afterAll(async () => {
  await sql.unsafe(`drop schema if exists "${schema}" cascade`);
  await sql.end();
});

// --- generators --------------------------------------------------------------------------

const finiteEdges = [0, -0, 1, 2, 3, 0.1, 0.2, 0.3, 0.30000000000000004, 1 / 3, 2 / 3, 0.5, 1.5, 30_000, 99_999.99999999999, 100_000, 120_000, 1e15, -1, -0.5];
// Doubles away from the subnormal range: PostgreSQL raises on overflow/underflow where JS
// returns Infinity or 0, which realistic feature values never reach.
const double = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (Math.abs(x) < 1e-6 ? 0 : x));
const ruleNumber = fc.oneof(fc.constantFrom(...finiteEdges), double, fc.integer({ min: -10, max: 200_000 }));
const factNumber = fc.oneof(ruleNumber, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY));
const factInteger = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 100_000, -1, 2_147_483_647, -2_147_483_648), fc.integer({ min: -5, max: 1000 }));

const textPool = ["", "skincare", "Skincare", "makeup", "glowmall", "rival-beauty", "skinnow", "é", "e\u0301", "ß", "😀", "a b", "'; drop table x; --"];
const anyText = fc.string({ unit: "grapheme", maxLength: 5 }).filter((s) => !s.includes("\u0000") && !/\p{Cs}/u.test(s));
const text = fc.oneof(fc.constantFrom(...textPool), anyText);

const instants = ["1900-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2024-05-01T00:00:00.000Z", "2024-04-30T15:00:00.000Z", "2024-05-01T00:00:00.001Z", "2199-12-31T23:59:59.999Z"].map((s) => new Date(s));
const factDate = fc.oneof(fc.constantFrom(...instants), fc.date({ min: new Date("1901-01-01T00:00:00Z"), max: new Date("2199-01-01T00:00:00Z"), noInvalidDate: true }));
// The same instant written in another offset, as a marketer in Seoul would.
const ruleInstant = fc.tuple(factDate, fc.constantFrom(0, 540, -300, 330)).map(([d, offset]) => {
  if (offset === 0) return d.toISOString();
  const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
});

function ruleScalar(f: FactDefinition): fc.Arbitrary<number | string | boolean> {
  switch (f.type) {
    case "number":
    case "integer":
      return f.type === "integer" ? fc.oneof(ruleNumber, factInteger) : ruleNumber;
    case "boolean":
      return fc.boolean();
    case "string":
    case "string[]":
      return text;
    case "timestamp":
      return ruleInstant;
    case "tier":
      return fc.constantFrom(...tierNames);
  }
}

const comparableOf = (f: FactDefinition, v: number | string | boolean) =>
  f.type === "tier" ? tierRank(v as string)! : f.type === "timestamp" ? Date.parse(v as string) : (v as number);

function ruleValue(f: FactDefinition, op: Operator): fc.Arbitrary<unknown> {
  switch (op) {
    case "in":
    case "notIn":
      return fc.array(ruleScalar(f), { minLength: 1, maxLength: 5 });
    case "between":
      return fc.tuple(ruleScalar(f), ruleScalar(f)).map((pair) => pair.sort((a, b) => comparableOf(f, a) - comparableOf(f, b)));
    case "decreasedByAtLeast":
      return fc.oneof(fc.constantFrom(0.5, 0.3, 1, 1 / 3, 2 / 3, 0.1, 0.25), fc.double({ min: 1e-6, max: 1, noNaN: true }));
    case "increasedByAtLeast":
      return fc.oneof(fc.constantFrom(0.5, 1, 2, 1 / 3, 0.25), fc.double({ min: 1e-6, max: 10, noNaN: true }));
    default:
      return ruleScalar(f);
  }
}

// Another fact of the same type that takes the operator, optionally scaled.
function otherFact(f: FactDefinition, op: Operator): fc.Arbitrary<unknown> | null {
  const others = factCatalogue.filter((o) => comparableFamily(o.type) === comparableFamily(f.type) && o.operators.includes(op));
  if (!isComparisonOperator(op) || others.length === 0) return null;
  const numeric = comparableFamily(f.type) === "number";
  const factor = numeric ? fc.option(fc.oneof(fc.constantFrom(0.5, 1, 2, 0.1, 1 / 3, 1000), fc.double({ min: 1e-3, max: 1000, noNaN: true })), { nil: undefined }) : fc.constant(undefined);
  return fc.tuple(fc.constantFrom(...others), factor).map(([o, k]) => (k === undefined ? { fact: o.name } : { fact: o.name, factor: k }));
}

const generated = { factComparisons: 0, existence: 0 };
const leaf: fc.Arbitrary<ConditionNode> = fc.constantFrom(...factCatalogue).chain((f) =>
  fc.constantFrom(...f.operators).chain((op) => {
    if (op === "exists" || op === "notExists") return fc.constant({ fact: f.name, operator: op } as ConditionNode);
    const other = otherFact(f, op);
    const value = other ? fc.oneof(ruleValue(f, op), other) : ruleValue(f, op);
    return value.map((value) => ({ fact: f.name, operator: op, value }) as ConditionNode);
  }),
);
const countLeaves = (n: ConditionNode): void => {
  if ("all" in n) n.all.forEach(countLeaves);
  else if ("any" in n) n.any.forEach(countLeaves);
  else if ("not" in n) countLeaves(n.not);
  else if (n.operator === "exists" || n.operator === "notExists") generated.existence++;
  else if (typeof n.value === "object" && n.value !== null && !Array.isArray(n.value)) generated.factComparisons++;
};

const { node: tree } = fc.letrec<{ node: ConditionNode; all: ConditionNode; any: ConditionNode; not: ConditionNode }>((tie) => ({
  node: fc.oneof({ maxDepth: 4, depthIdentifier: "rule" }, leaf, tie("all"), tie("any"), tie("not")),
  all: fc.array(tie("node"), { minLength: 1, maxLength: 3, depthIdentifier: "rule" }).map((all) => ({ all })),
  any: fc.array(tie("node"), { minLength: 1, maxLength: 3, depthIdentifier: "rule" }).map((any) => ({ any })),
  not: tie("node").map((not) => ({ not })),
}));

function factValue(f: FactDefinition): fc.Arbitrary<unknown> {
  switch (f.type) {
    case "number":
      return factNumber;
    case "integer":
      return factInteger;
    case "boolean":
      return fc.boolean();
    case "string":
      return text;
    case "string[]":
      // Null elements never occur in features, but both sides must still agree on them.
      return fc.array(fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 4 });
    case "timestamp":
      return factDate;
    case "tier":
      return fc.constantFrom(...tierNames);
  }
}

// Every fact may be null: features are mostly not null, but tier and model come from left joins.
const customer = fc.record(Object.fromEntries(stored.map((f) => [f.name, fc.option(factValue(f), { freq: 6, nil: null })])));
const customers = fc.array(customer, { minLength: 50, maxLength: 50 });

// --- the property ------------------------------------------------------------------------

let run = 0;
const outcomes = { matched: 0, unmatched: 0 };

async function sqlVerdicts(rows: Record<string, unknown>[], conditions: ConditionNode) {
  const id = ++run;
  const records = rows.map((c, i) => {
    const r: Record<string, unknown> = { run: id, customer_id: `c${i}` };
    for (const f of stored) r[columnOf(f)] = f.type === "tier" && c[f.name] !== null ? tierRank(c[f.name] as string) : c[f.name];
    return r;
  });
  await sql`insert into ${sql(schema)}.customers ${sql(records as Record<string, postgres.ParameterOrJSON<never>>[])}`;
  const { text, params } = compileRuleToSql(conditions, { firstParam: 2 });
  const result = await sql.unsafe<{ customer_id: string; matched: boolean }[]>(
    `select f.customer_id, coalesce(${text}, false) as matched
     from (${derivedFactColumnsOpen}select * from ${table}${derivedFactColumnsClose}) f
     join ${table} t on t.run = f.run and t.customer_id = f.customer_id
     join ${table} m on m.run = f.run and m.customer_id = f.customer_id
     where f.run = $1`,
    [id, ...params] as postgres.ParameterOrJSON<never>[],
  );
  return { verdicts: new Map(result.map((r) => [r.customer_id, r.matched])), text, params };
}

test("the JS and SQL predicates agree on every customer for random rules", async () => {
  await fc.assert(
    fc.asyncProperty(tree, customers, async (conditions, rows) => {
      const checked = validateConditions(conditions);
      expect(checked.ok ? [] : checked.issues).toEqual([]);
      countLeaves(conditions);

      const predicate = compileRule(conditions);
      const { verdicts, text, params } = await sqlVerdicts(rows, conditions);
      rows.forEach((c, i) => {
        const js = predicate(c as FactValues).matched;
        outcomes[js ? "matched" : "unmatched"]++;
        if (verdicts.get(`c${i}`) !== js) {
          throw new Error(`JS says ${js}, SQL says ${verdicts.get(`c${i}`)}\nsql: ${text}\nparams: ${JSON.stringify(params)}\ncustomer: ${JSON.stringify(c)}`);
        }
      });
    }),
    { numRuns: 200, endOnFailure: true },
  );
  // The property says little if nearly every rule matches nobody (or everybody).
  expect(outcomes.matched).toBeGreaterThan(500);
  expect(outcomes.unmatched).toBeGreaterThan(500);
  // The new leaf shapes were exercised, not just allowed.
  expect(generated.factComparisons).toBeGreaterThan(20);
  expect(generated.existence).toBeGreaterThan(20);
}, 120_000); // 200 runs over a catalogue that keeps growing; 60 s was too tight on a shared 2-core machine

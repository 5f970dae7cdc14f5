import { createRoute, z } from "@hono/zod-openapi";
import { backtestDraftRule, backtestStoredRule } from "../../rules-service/backtest.ts";
import { dryRunRule } from "../../rules-service/dry-run.ts";
import { listFacts } from "../../rules-service/facts.ts";
import { importJsonRulesEngineRule } from "../../rules-service/import.ts";
import { createRule, deleteRule, getRule, getRuleVersion, listRules, patchRule, rollbackRule, updateRule } from "../../rules-service/rules.ts";
import {
  draftBacktestSchema,
  dryRunSchema,
  ruleCreateSchema,
  ruleDefinitionBodySchema,
  ruleListQuerySchema,
  rulePatchSchema,
  jsonRulesEngineRuleSchema,
  ruleRollbackSchema,
  storedBacktestSchema,
} from "../../rules-service/schemas.ts";
import type { App } from "../app.ts";
import { readsFromReplica } from "../read-routing.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";
import { registerJsonSchemaComponents } from "../openapi.ts";
import { ruleConditionsSchema } from "../../../rules/index.ts";
import { factTypes, operators } from "../../../rules/vocabulary.ts";
import { factUnits, factWindows } from "../../../rules/facts.ts";
import { ruleModes } from "../../../rules/definition.ts";
import { ruleTraceSchema, traceFactValueSchema } from "../../../rules/trace.ts";

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const rule = z
  .object({
    id: z.string(),
    currentVersion: z.number().int(),
    mode: z.enum(ruleModes),
    name: z.string(),
    definition: ruleDefinitionBodySchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Rule" });
const ratio = z.number().nullable();
// Share of flagged customers who went quiet, base rates over all and in the rule's tiers, and lifts.
const ratios = { precision: ratio, baseRate: ratio, baseRateInTiers: ratio, lift: ratio, liftInTiers: ratio };
const byTier = z.record(z.string(), z.number().int()).meta({ description: "Flagged customers per tier" });
const backtestResult = z
  .object({
    rule: z.object({ id: z.string(), version: z.number().int() }).nullable().meta({ description: "The stored rule tested; null for a draft" }),
    tiers: z.array(z.string()),
    quietDays: z.number().int(),
    dates: z.array(
      z.object({
        asOf: z.iso.datetime(),
        quietUntil: z.iso.datetime(),
        outcomeKnown: z.boolean().meta({ description: "False while (asOf, asOf + quietDays] has not ended: outcomes are then null" }),
        evaluated: z.number().int(),
        tierSource: z.enum(["history", "recomputed"]),
        tiersRecomputed: z.number().int(),
        inTiers: z.number().int(),
        flagged: z.number().int(),
        flaggedByTier: byTier,
        wentQuiet: z.number().int().nullable(),
        ...ratios,
        outcomes: z.object({ evaluatedWentQuiet: z.number().int(), inTiersWentQuiet: z.number().int() }).nullable(),
        flaggedCustomers: z.array(z.object({ customerId: z.string(), tier: z.string(), tierSource: z.enum(["history", "recomputed"]), wentQuiet: z.boolean().nullable() })),
        nextAfter: z.string().nullable().meta({ description: "Send as `after` for the next page of flagged customers; null on the last page" }),
      }),
    ),
    totals: z.object({
      dates: z.number().int(),
      datesWithOutcome: z.number().int(),
      evaluated: z.number().int(),
      flagged: z.number().int(),
      flaggedByTier: byTier,
      flaggedWithOutcome: z.number().int(),
      wentQuiet: z.number().int().nullable(),
      ...ratios,
    }),
  })
  .meta({ id: "BacktestResult" });
const ruleWithVersions = rule
  .extend({
    versions: z.array(
      z.object({
        version: z.number().int(),
        current: z.boolean(),
        name: z.string(),
        mode: z.enum(ruleModes),
        action: z.string().nullable().meta({ description: "The audit action that made the version (rule.created, rule.updated, rule.rolled_back…)" }),
        restoredVersion: z.number().int().optional().meta({ description: "For a rollback: the version it restored" }),
        createdBy: z.string(),
        createdAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: "RuleWithVersions" });
const ruleVersion = z
  .object({ ruleId: z.string(), version: z.number().int(), current: z.boolean(), definition: ruleDefinitionBodySchema, createdBy: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: "RuleVersion" });
const changedRule = rule.extend({ changed: z.boolean().meta({ description: "False when the change left the definition as it was (no new version)" }) }).meta({ id: "RuleChange" });
const factCatalogue = z
  .object({
    operators: z.array(z.object({ name: z.enum(operators), meaning: z.string(), whenUnknown: z.boolean().meta({ description: "What the operator answers for an unknown (null) fact" }) })),
    notes: z.object({ not: z.string(), factComparison: z.string(), nonFinite: z.string() }).meta({ description: "How not, fact-to-fact comparisons and non-finite numbers behave" }),
    facts: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        labels: z.object({ en: z.string(), ko: z.string() }),
        type: z.enum(factTypes),
        unit: z.enum(factUnits).nullable(),
        window: z.enum(factWindows),
        description: z.string(),
        operators: z.array(z.enum(operators)),
        nullable: z.boolean(),
        source: z.enum(["features", "tier", "model", "derived"]),
        baseline: z.string().optional().meta({ description: "The fact holding this fact's usual level (for decreasedByAtLeast / increasedByAtLeast)" }),
        values: z.array(z.string()).optional().meta({ description: "Allowed values in rank order (the tier fact)" }),
        derivedFrom: z.array(z.string()).optional(),
      }),
    ),
  })
  .meta({ id: "FactCatalogue" });
// The trace is recursive like the conditions: documented as a component from zod's JSON schema.
const documentedTrace = ruleTraceSchema.meta({ type: "object", $ref: "#/components/schemas/RuleTrace" });
const dryRunResult = z
  .object({
    rule: z.object({ id: z.string(), version: z.number().int() }).nullable().meta({ description: "The stored rule evaluated; null for a draft" }),
    customerId: z.string(),
    featuresAsOf: z.iso.datetime(),
    tier: z.string().nullable(),
    modelScoredAt: z.iso.datetime().nullable(),
    matched: z.boolean().meta({ description: "The conditions hold for this customer" }),
    appliesToTier: z.boolean().meta({ description: "The customer's tier is one the rule is evaluated for" }),
    wouldScore: z.boolean().meta({ description: "Scoring would count the rule (live) or record it (shadow)" }),
    trace: documentedTrace,
    sentences: z.array(z.string()).meta({ description: "Each leaf in words; a miss with what it needed" }),
    facts: z.record(z.string(), traceFactValueSchema).meta({ description: "The customer's facts by name, as the rule read them" }),
  })
  .meta({ id: "DryRunResult" });
const params = z.object({ ruleId: z.string().min(1).max(200) });
const versionParams = params.extend({ version: z.coerce.number().int().min(1) });
// Optimistic concurrency: send the version you read; a newer one answers 409.
const ifMatch = z.object({
  "if-match": z
    .string()
    .regex(/^"?\d+"?$/, "send the version you edited, e.g. If-Match: \"3\"")
    .transform((v) => Number(v.replaceAll('"', "")))
    .optional(),
});
const tags = ["rules"];

export function registerRuleRoutes(app: App) {
  registerJsonSchemaComponents(app, "RuleCondition", ruleConditionsSchema);
  registerJsonSchemaComponents(app, "RuleTrace", ruleTraceSchema, { io: "output" });
  // Fixed paths first: they would otherwise read as a rule id.
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/facts",
      summary: "The facts rules can test: type, unit, window, meaning and the operators that apply",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      responses: { 200: json(factCatalogue, "The catalogue"), ...problemResponses(401, 403) },
    }),
    (c) => c.json(listFacts(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/dry-run",
      summary: "Evaluate a draft or stored rule for one customer, with the trace and the sentences an alert would carry",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { required: true, content: { "application/json": { schema: dryRunSchema } } } },
      responses: { 200: json(dryRunResult, "The evaluation"), ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => c.json(await dryRunRule(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("json") }), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/backtest",
      summary: "How a draft rule would have done as of past dates: flagged customers, and how many then stopped buying",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { required: true, content: { "application/json": { schema: draftBacktestSchema } } } },
      responses: { 200: json(backtestResult, "Per date and totals"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => c.json(await backtestDraftRule(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("json") }), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules",
      summary: "The workspace's rules at their current versions, with their modes",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { query: ruleListQuerySchema },
      responses: { 200: json(z.object({ rules: z.array(rule) }), "The rules"), ...problemResponses(401, 403, 422) },
    }),
    async (c) =>
      c.json(await listRules(c.get("deps"), { workspaceId: c.get("principal").workspaceId, includeDeleted: c.req.valid("query").includeDeleted }), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules",
      summary: "Create a rule (version 1); new rules start in shadow mode unless a mode is given",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { required: true, content: { "application/json": { schema: ruleCreateSchema } } } },
      responses: { 201: json(rule, "The rule"), ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const created = await createRule(c.get("deps"), { workspaceId: principal.workspaceId, actor: principal.keyId, rule: c.req.valid("json") });
      return c.json(created, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/import",
      summary: "Import a json-rules-engine rule (conditions, event, name, priority); what does not map is refused with its path and reason",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { required: true, content: { "application/json": { schema: jsonRulesEngineRuleSchema } } } },
      responses: { 201: json(z.object({ rule, notes: z.array(z.string()) }), "The rule created (version 1) and what was ignored"), ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      return c.json(await importJsonRulesEngineRule(c.get("deps"), { workspaceId: principal.workspaceId, actor: principal.keyId, rule: c.req.valid("json") }), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/{ruleId}",
      summary: "A rule's current definition and the list of its versions",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params },
      responses: { 200: json(ruleWithVersions, "The rule and its versions"), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await getRule(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ruleId: c.req.valid("param").ruleId }), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/{ruleId}/versions/{version}",
      summary: "One version of a rule, as it was saved",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      request: { params: versionParams },
      responses: { 200: json(ruleVersion, "The version"), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await getRuleVersion(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/v1/rules/{ruleId}",
      summary: "Replace a rule's definition: a new version; earlier ones stay readable. The same definition again changes nothing",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params, headers: ifMatch, body: { required: true, content: { "application/json": { schema: ruleDefinitionBodySchema } } } },
      responses: { 200: json(changedRule, "The rule after the change"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await updateRule(c.get("deps"), {
        workspaceId: principal.workspaceId,
        ruleId: c.req.valid("param").ruleId,
        actor: principal.keyId,
        definition: c.req.valid("json"),
        expectedVersion: c.req.valid("header")["if-match"],
      });
      return c.json({ ...result.rule, changed: result.changed }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/v1/rules/{ruleId}",
      summary: "Change some fields, e.g. {\"mode\": \"live\"} or {\"mode\": \"off\"}: a new version",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params, headers: ifMatch, body: { required: true, content: { "application/json": { schema: rulePatchSchema } } } },
      responses: { 200: json(changedRule, "The rule after the change"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await patchRule(c.get("deps"), {
        workspaceId: principal.workspaceId,
        ruleId: c.req.valid("param").ruleId,
        actor: principal.keyId,
        patch: c.req.valid("json"),
        expectedVersion: c.req.valid("header")["if-match"],
      });
      return c.json({ ...result.rule, changed: result.changed }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/{ruleId}/rollback",
      summary: "Make an earlier version's definition current again, as a new version",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params, headers: ifMatch, body: { required: true, content: { "application/json": { schema: ruleRollbackSchema } } } },
      responses: { 200: json(changedRule, "The rule after the rollback"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await rollbackRule(c.get("deps"), {
        workspaceId: principal.workspaceId,
        ruleId: c.req.valid("param").ruleId,
        actor: principal.keyId,
        version: c.req.valid("json").version,
        expectedVersion: c.req.valid("header")["if-match"],
      });
      return c.json({ ...result.rule, changed: result.changed }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/rules/{ruleId}/backtest",
      summary: "How a stored rule (current or a given version) would have done as of past dates",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer"), readsFromReplica] as const,
      request: { params, body: { required: true, content: { "application/json": { schema: storedBacktestSchema } } } },
      responses: { 200: json(backtestResult, "Per date and totals"), ...problemResponses(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const result = await backtestStoredRule(c.get("deps"), {
        workspaceId: c.get("principal").workspaceId,
        ruleId: c.req.valid("param").ruleId,
        ...c.req.valid("json"),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/rules/{ruleId}",
      summary: "Delete a rule: it stops scoring; its versions stay readable and its id stays taken",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const principal = c.get("principal");
      await deleteRule(c.get("deps"), { workspaceId: principal.workspaceId, ruleId: c.req.valid("param").ruleId, actor: principal.keyId });
      return c.body(null, 204);
    },
  );
}

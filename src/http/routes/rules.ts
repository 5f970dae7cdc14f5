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

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const rule = z
  .looseObject({
    id: z.string(),
    currentVersion: z.number().int(),
    mode: z.string(),
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
const changedRule = z.looseObject({ id: z.string(), currentVersion: z.number(), changed: z.boolean() }).meta({ id: "RuleChange" });
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
  // Fixed paths first: they would otherwise read as a rule id.
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/rules/facts",
      summary: "The facts rules can test: type, unit, window, meaning and the operators that apply",
      tags,
      security: bearerSecurity,
      middleware: [requireRole("marketer", "manager")] as const,
      responses: { 200: json(z.object({ facts: z.array(z.looseObject({ name: z.string() })) }), "The catalogue"), ...problemResponses(401, 403) },
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
      responses: { 200: json(z.looseObject({ matched: z.boolean() }), "The evaluation"), ...problemResponses(400, 401, 403, 404, 415, 422) },
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
      responses: { 200: json(rule, "The rule"), ...problemResponses(401, 403, 404) },
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
      responses: { 200: json(z.looseObject({ version: z.number().int(), definition: ruleDefinitionBodySchema }), "The version"), ...problemResponses(401, 403, 404, 422) },
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

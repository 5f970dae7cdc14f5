// The API description tells the truth about what the API answers: on a workspace worth
// looking at (the demo, the seed's case with its alert, campaign enrollment and task), every
// answer of the calls a console or an integrator makes is checked against the response
// schema /openapi.json gives for it — with every described object closed, so a field the API
// sends and the description leaves out fails as much as a field with the wrong type.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_CUSTOMER, MANAGER_ID, WINBACK, seedWorld, startServer } from "../console/world.ts";
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { responseChecker, type ResponseCheck } from "../support/openapi.ts";

const ctx = useTestContext();

let ws: TestWorkspace;
let server: Awaited<ReturnType<typeof startServer>>;
let check: ResponseCheck;

beforeAll(async () => {
  check = await responseChecker(ctx);
  ctx.startWorkers();
  ws = await ctx.workspace();
  server = await startServer(ctx);
  await seedWorld(ctx, server.baseUrl, ws.id, ws.keys);
}, 180_000);

afterAll(async () => {
  await server?.close();
});

/** Calls the API and checks the answer against the description of `template`'s operation. */
async function call(problems: string[], method: string, template: string, opts: { path?: string; key?: string; json?: unknown } = {}) {
  const res = await ctx.request(opts.path ?? template, { method: method.toUpperCase(), key: opts.key ?? ws.keys.admin, json: opts.json });
  const body = res.status === 204 ? null : await res.json();
  if (res.status >= 300) problems.push(`${method} ${opts.path ?? template}: ${res.status} ${JSON.stringify(body)}`);
  else problems.push(...check(method, template, res.status, body));
  return body;
}

describe("the API's answers", () => {
  it("match the response schemas /openapi.json gives, field for field", async () => {
    const p: string[] = [];
    const c = encodeURIComponent(CASE_CUSTOMER);
    await call(p, "get", "/v1/overview");
    const alerts = await call(p, "get", "/v1/alerts", { path: `/v1/alerts?customerId=${c}` });
    const alertId = alerts.alerts[0].id as string;
    await call(p, "get", "/v1/alerts/{alertId}", { path: `/v1/alerts/${alertId}` });
    await call(p, "post", "/v1/alerts/{alertId}/transitions", { path: `/v1/alerts/${alertId}/transitions`, json: { action: "acknowledge", note: "called" } });
    await call(p, "post", "/v1/alerts/{alertId}/label", { path: `/v1/alerts/${alertId}/label`, json: { label: "real_risk" } });
    await call(p, "get", "/v1/alerts/{alertId}", { path: `/v1/alerts/${alertId}` });
    await call(p, "get", "/v1/customers", { path: `/v1/customers?q=${c}` });
    await call(p, "get", "/v1/customers/{customerId}", { path: `/v1/customers/${c}` });
    await call(p, "put", "/v1/customers/{customerId}", { path: `/v1/customers/${c}`, json: { attributes: { segment: "vip" } } });
    await call(p, "get", "/v1/customers/{customerId}/signals", { path: `/v1/customers/${c}/signals` });
    await call(p, "get", "/v1/customers/{customerId}/scores", { path: `/v1/customers/${c}/scores` });
    await call(p, "get", "/v1/customers/{customerId}/tiers", { path: `/v1/customers/${c}/tiers` });
    await call(p, "get", "/v1/customers/{customerId}/enrollments", { path: `/v1/customers/${c}/enrollments` });
    const rules = await call(p, "get", "/v1/rules");
    const ruleId = (rules.rules as { id: string }[]).find((r) => r.id === "vip-competitor-defection")?.id ?? rules.rules[0].id;
    await call(p, "get", "/v1/rules/{ruleId}", { path: `/v1/rules/${ruleId}` });
    await call(p, "get", "/v1/rules/{ruleId}/versions/{version}", { path: `/v1/rules/${ruleId}/versions/1` });
    await call(p, "get", "/v1/rules/{ruleId}/performance", { path: `/v1/rules/${ruleId}/performance` });
    await call(p, "get", "/v1/rules/facts");
    await call(p, "post", "/v1/rules/dry-run", { json: { ruleId, customerId: CASE_CUSTOMER } });
    await call(p, "post", "/v1/rules/{ruleId}/backtest", { path: `/v1/rules/${ruleId}/backtest`, json: { asOf: new Date(ctx.clock().getTime() - 40 * 86_400_000).toISOString() } });
    await call(p, "patch", "/v1/rules/{ruleId}", { path: `/v1/rules/${ruleId}`, json: { points: 41 } });
    await call(p, "post", "/v1/rules/import", {
      json: { name: "Imported", conditions: { all: [{ fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100000 }] }, event: { type: "imported-rule", params: { points: 10 } } },
    });
    await call(p, "get", "/v1/campaigns");
    await call(p, "get", "/v1/campaigns/{campaignId}", { path: `/v1/campaigns/${WINBACK}` });
    await call(p, "get", "/v1/campaigns/{campaignId}/stats", { path: `/v1/campaigns/${WINBACK}/stats` });
    await call(p, "get", "/v1/campaigns/{campaignId}/preview", { path: `/v1/campaigns/${WINBACK}/preview?customerId=${c}` });
    const tasks = await call(p, "get", "/v1/tasks", { path: `/v1/tasks?managerId=${MANAGER_ID}` });
    await call(p, "post", "/v1/tasks/{taskId}/transitions", { path: `/v1/tasks/${tasks.tasks[0].id}/transitions`, json: { action: "start" } });
    await call(p, "get", "/v1/managers");
    await call(p, "get", "/v1/managers/{managerId}", { path: `/v1/managers/${MANAGER_ID}` });
    await call(p, "get", "/v1/digests/{managerId}/preview", { path: `/v1/digests/${MANAGER_ID}/preview` });
    await call(p, "get", "/v1/workspace");
    await call(p, "get", "/v1/model");
    await call(p, "get", "/v1/deliveries");
    await call(p, "get", "/v1/webhook-endpoints");
    await call(p, "get", "/v1/webhook-sources");
    await call(p, "get", "/v1/api-keys");
    await call(p, "get", "/v1/competitors");
    await call(p, "get", "/v1/audit");
    expect(p).toEqual([]);
  }, 120_000);
});

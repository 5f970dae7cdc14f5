// Property-based fuzzing of every public route: hostile JSON, paths, queries and content
// types, sent with a key of each role (and none). Whatever arrives, the API never answers
// 5xx, every error is problem+json, a refused request changes nothing, and a signal batch
// stores exactly the items it reports accepted. FUZZ_RUNS sets the number of requests.
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestContext, type TestWorkspace } from "../support/context.ts";
import { daysAgo, signal } from "../support/factories.ts";

const ctx = useTestContext();
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);

type Route = { method: string; path: string; query: string[]; body: boolean };

const tables = [
  "signals", "customers", "customer_identities", "competitors", "api_keys", "webhook_sources", "rules", "rule_versions",
  "campaigns", "channel_opt_outs", "managers", "tasks", "alerts", "webhook_endpoints", "deliveries", "enrollments", "audit_log",
];

const hostileStrings = [
  "\u0000", "a\u0000b", "\ud800", "x\udfffy", "\udc00\ud800", "__proto__", "constructor", "prototype", "toString",
  "0000-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-19T12:00:00Z", "2026-02-30T00:00:00Z",
  "", " ", "NaN", "Infinity", "-1", "1e309", "0x10", "' or 1=1 --", "%00", "%", "../../etc/passwd", "😀", "가나다",
  "null", "true", "{}", "[]", "c-1", "KRW", "admin", "purchase", "competitor_purchase", "crm_id", "live", "open",
];
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 120_000 }).map((n) => "가".repeat(n)) },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 1, 1.5, 1e-300, 4_294_967_296, -2_147_483_649),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "id", "customerId", "type", "data", "signals", "name", "attributes", "\u0000", "\ud800", "amount"),
  fc.string({ maxLength: 8 }),
);
const { value: hostileValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie("value"), { maxKeys: 4 }),
  ),
}));

/** Valid bodies to start from, so mutations reach past the outer checks into the domain. */
const templates: Record<string, () => unknown> = {
  "POST /v1/signals": () => ({ signals: [signal.purchase("c-1", daysAgo(1)), signal.competitorPurchase("c-2", daysAgo(2)), signal.session("c-1", daysAgo(1))] }),
  "POST /v1/webhooks/{workspaceId}/{sourceId}": () => ({ signals: [signal.competitorAppUsage("c-3", daysAgo(1))] }),
  "PUT /v1/customers/{customerId}": () => ({ name: "Kim", email: "kim@example.com", timezone: "Asia/Seoul", attributes: { plan: "gold" }, identities: [{ kind: "email_hash", value: "abc" }] }),
  "POST /v1/customers/{customerId}/merge": () => ({ sourceCustomerId: "c-2" }),
  "PUT /v1/competitors/{competitorId}": () => ({ name: "Rival", apps: ["Rival App"], categories: ["skincare"] }),
  "PATCH /v1/workspace/settings": () => ({ currency: "KRW", fxRates: { USD: 1400 }, freshnessDays: { default: 90 }, minConfidence: 0.5 }),
  "POST /v1/managers": () => ({ name: "Lee", email: "lee@example.com", timezone: "Asia/Seoul", capacity: 10 }),
  "POST /v1/customers/{customerId}/opt-outs": () => ({ channel: "email" }),
  "DELETE /v1/customers/{customerId}/opt-outs": () => ({ channel: "email" }),
  "POST /v1/alerts/{alertId}/transitions": () => ({ action: "snooze", until: "2026-12-01T00:00:00Z" }),
  "POST /v1/rules/dry-run": () => ({ customerId: "c-1", rule: { conditions: { all: [{ fact: "tier", operator: "in", value: ["Gold"] }] } } }),
};

/** Sets `value` at a path of a JSON value, creating what is missing. */
function mutate(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = doc !== null && typeof doc === "object" ? doc : {};
  const copy: Record<string | number, unknown> = Array.isArray(base) ? [...base] as never : { ...base };
  Object.defineProperty(copy, head!, { value: mutate((base as Record<string | number, unknown>)[head!], rest, value), enumerable: true, configurable: true, writable: true });
  return copy;
}

/** All paths into a JSON value, so a mutation can land on any field. */
function pathsOf(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (doc !== null && typeof doc === "object") for (const [k, v] of Object.entries(doc)) out.push(...pathsOf(v, [...prefix, Array.isArray(doc) ? Number(k) : k]));
  return out;
}

/** Percent-encodes anything, unpaired surrogates included (as the bytes a careless client would send). */
const encode = (s: string) =>
  [...s].map((ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return "%ED%A0%80";
    }
  }).join("");

const rawBodies = [
  '{"signals": [', "", "null", "1e400", '{"a":1e400}', '"\\u0000"', '{"__proto__": {"admin": true}}', '{"signals":[{"__proto__":{"x":1}}]}',
  '{"constructor": {"prototype": {"polluted": true}}}', '{"signals": "\\ud800"}', "[1,2,3]", '{"name": "\\udfff"}', "\u0000", "{\"a\":\"\u0000\"}",
];

describe("the public API under hostile input", () => {
  let routes: Route[] = [];
  let ws: TestWorkspace;
  let sourceId = "";
  let sourceSecret = "";
  let sent = 0;
  let fiveHundreds = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    ws = await ctx.workspace();
    const doc = ctx.app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "fuzz", version: "1" } });
    for (const [path, ops] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(ops as Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>)) {
        routes.push({ method: method.toUpperCase(), path, query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name), body: !!op.requestBody });
      }
    }
    const created = await ctx.request("/v1/webhook-sources", { key: ws.keys.admin, json: { name: "fuzz" } });
    ({ id: sourceId, secret: sourceSecret } = (await created.json()) as { id: string; secret: string });
    // Some real rows for ids to hit.
    await ctx.request("/v1/signals", { key: ws.keys.ingest, json: templates["POST /v1/signals"]!() });
  });

  afterAll(() => {
    console.info(`fuzz: ${sent} hostile requests, ${fiveHundreds} × 5xx; by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });

  it("never answers 5xx, answers errors as problem+json, and a refused request changes nothing", async () => {
    expect(routes.length).toBeGreaterThan(50);
    const counts = async () => {
      const [row] = await ctx.database.sql.unsafe(`select ${tables.map((t) => `(select count(*) from ${t} where workspace_id = $1)::int as ${t}`).join(", ")}`, [ws.id]);
      return row as Record<string, number>;
    };
    const request = fc.record({
      route: fc.constantFrom(...routes),
      method: fc.option(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"), { freq: 8 }),
      role: fc.constantFrom("admin", "admin", "admin", "ingest", "marketer", "manager", "none", "bogus"),
      params: fc.array(fc.oneof(hostileString, fc.constantFrom("c-1", "c-2", "rival-beauty", "%", "%E0%A4%A")), { minLength: 3, maxLength: 3 }),
      query: fc.array(fc.tuple(fc.oneof(fc.constantFrom("asOf", "limit", "cursor", "status", "customerId", "openedFrom", "before", "wait", "type"), hostileString), hostileString), { maxLength: 3 }),
      body: fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.nat(), hostileValue).map(([i, v]) => ({ kind: "mutated" as const, at: i, value: v })) },
        { weight: 2, arbitrary: hostileValue.map((v) => ({ kind: "json" as const, value: v })) },
        { weight: 1, arbitrary: fc.constantFrom(...rawBodies).map((text) => ({ kind: "raw" as const, text })) },
        { weight: 1, arbitrary: fc.integer({ min: 30, max: 3000 }).map((d) => ({ kind: "raw" as const, text: '{"a":'.repeat(d) + "1" + "}".repeat(d) })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((text) => ({ kind: "raw" as const, text })) },
      ),
      contentType: fc.constantFrom("application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "none", "application/merge-patch+json", "multipart/form-data; boundary=x", "application/json; charset=latin1"),
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const key = `${r.route.method} ${r.route.path}`;
        let i = 0;
        const isWebhook = r.route.path.startsWith("/v1/webhooks/");
        const path = r.route.path.replace(/\{[^}]+\}/g, (name) => {
          const p = r.params[i++]!;
          // The signed route mostly gets the real source, so bodies reach ingest.
          if (isWebhook && name === "{workspaceId}" && p.length % 3 !== 0) return ws.id;
          if (isWebhook && name === "{sourceId}" && p.length % 3 !== 0) return sourceId;
          return p === "%" || p === "%E0%A4%A" ? p : encode(p);
        });
        const query = r.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
        const url = `${path}${query ? `?${query}` : ""}`;
        const method = r.method ?? r.route.method;
        let body: string | undefined;
        if (method !== "GET" && method !== "HEAD") {
          if (r.body.kind === "raw") body = r.body.text;
          else if (r.body.kind === "json") body = JSON.stringify(r.body.value) ?? "null";
          else {
            const template = templates[key]?.() ?? {};
            const paths = pathsOf(template);
            body = JSON.stringify(mutate(template, paths[r.body.at % paths.length]!, r.body.value)) ?? "null";
          }
        }
        const headers: Record<string, string> = {};
        if (r.role !== "none") headers.authorization = `Bearer ${r.role === "bogus" ? "rw_live_bogus" : ws.keys[r.role as "admin"]}`;
        if (r.contentType !== "none" && body !== undefined) headers["content-type"] = r.contentType;
        if (isWebhook && body !== undefined) {
          const id = `msg_${sent}`;
          const at = new Date();
          Object.assign(headers, { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(sourceSecret).sign(id, at, body) });
        }

        const before = method === "GET" || method === "HEAD" ? null : await counts();
        const res = await ctx.app.request(url, { method, headers, body });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        if (res.status >= 500) {
          fiveHundreds++;
          expect.fail(`${method} ${url.slice(0, 300)} → ${res.status} ${text.slice(0, 500)}\nbody: ${body?.slice(0, 500)}`);
        }
        if (res.status >= 400 && method !== "HEAD") expect(res.headers.get("content-type"), `${method} ${url} → ${res.status}`).toContain("application/problem+json");
        if (!before) return;
        const after = await counts();
        if (res.status >= 400) {
          expect(after, `${method} ${url.slice(0, 200)} → ${res.status} changed rows`).toEqual(before);
        } else if ((r.route.path === "/v1/signals" || isWebhook) && res.status === 200 && method === "POST") {
          const result = JSON.parse(text) as { accepted: number };
          expect(after.signals! - before.signals!, "signals stored = signals accepted").toBe(result.accepted);
        }
      }),
      { numRuns: RUNS },
    );
    expect(fiveHundreds).toBe(0);
  }, 600_000);
});

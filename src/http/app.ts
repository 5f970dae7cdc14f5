// The HTTP application: middleware, the error mapping, docs, and the route files.
// Routes only validate, authorise and call a domain function.
import { errorFields } from "../log.ts";
import { noteWrites } from "./read-routing.ts";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { Deps } from "../deps.ts";
import { AppError, zodIssuesToFieldErrors } from "../errors.ts";
import type { AppEnv } from "./env.ts";
import { refuseHostileInput } from "./input-hygiene.ts";
import { isConnectionLoss } from "../resilience/connection-errors.ts";
import { describeApi } from "./openapi.ts";
import { serverTiming } from "./server-timing.ts";
import { problemFromError, problemResponse } from "./problem.ts";
import { registerAlertRoutes } from "./routes/alerts.ts";
import { registerApiIndex } from "./routes/api-index.ts";
import { registerApiKeyRoutes } from "./routes/api-keys.ts";
import { registerAuditRoutes } from "./routes/audit.ts";
import { registerCampaignRoutes } from "./routes/campaigns.ts";
import { registerCompetitorRoutes } from "./routes/competitors.ts";
import { registerCustomerRoutes } from "./routes/customers.ts";
import { registerDigestRoutes } from "./routes/digests.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerManagerRoutes } from "./routes/managers.ts";
import { registerModelRoutes } from "./routes/model.ts";
import { registerReplayRoutes } from "./routes/replays.ts";
import { registerPrivacyRoutes } from "./routes/privacy.ts";
import { registerRuleRoutes } from "./routes/rules.ts";
import { registerSignalRoutes } from "./routes/signals.ts";
import { registerTaskRoutes } from "./routes/tasks.ts";
import { registerWebhookEndpointRoutes } from "./routes/webhook-endpoints.ts";
import { registerWebhookSourceRoutes } from "./routes/webhook-sources.ts";
import { registerWorkspaceRoutes } from "./routes/workspace.ts";
import { httpMetrics, registerMetricsRoute } from "../metrics/http.ts";
import { registerQueueDashboard } from "../operator/queue-dashboard.ts";
import { registerConsole } from "./console.ts";
import { registerOverviewRoutes } from "./routes/overview.ts";
import { registerSessionRoutes } from "./routes/sessions.ts";

export type App = OpenAPIHono<AppEnv>;

export function createApp(deps: Deps): App {
  const app = new OpenAPIHono<AppEnv>({
    // One shape for every validation failure, naming each wrong field.
    defaultHook: (result, c) => {
      if (!result.success) {
        const prefix = result.target === "json" ? [] : [result.target === "param" ? "path" : result.target];
        return problemResponse(c, "validation_failed", "the request is not valid", zodIssuesToFieldErrors(result.error.issues, prefix));
      }
    },
  });

  app.use("*", httpMetrics);
  app.use("*", requestId({ headerName: "x-request-id" }));
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use("/v1/*", serverTiming);
  app.use("/v1/*", noteWrites);
  const tooLarge = (c: Context) => problemResponse(c, "payload_too_large", `the body is larger than ${deps.config.MAX_BODY_BYTES} bytes`);
  const limitStreamedBody = bodyLimit({ maxSize: deps.config.MAX_BODY_BYTES, onError: tooLarge });
  app.use("/v1/*", async (c, next) => {
    // A declared length is checked from the header (Node's parser never reads past it).
    // Hono's bodyLimit would touch the request's body stream, which makes the Node adapter
    // build a full web Request for every call: a fifth of the ingest route's CPU.
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(length) > deps.config.MAX_BODY_BYTES ? tooLarge(c) : next();
    }
    return limitStreamedBody(c, next);
  });
  app.use("/v1/*", async (c, next) => {
    const type = c.req.header("content-type");
    if (["POST", "PUT", "PATCH"].includes(c.req.method) && type !== undefined) {
      if (!/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
        return problemResponse(c, "unsupported_media_type", `send JSON with content-type application/json, not "${type || "nothing"}"`);
      }
    }
    await next();
  });
  app.use("/v1/*", refuseHostileInput);

  app.onError((err, c) => {
    if (err instanceof AppError) return problemFromError(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 400) return problemResponse(c, "malformed_json", "the body is not valid JSON");
      if (err.status === 413) return problemResponse(c, "payload_too_large", err.message);
      if (err.status === 401) return problemResponse(c, "unauthorized", err.message);
      if (err.status === 415) return problemResponse(c, "unsupported_media_type", "send JSON with content-type application/json");
    }
    if (err && typeof err === "object" && "issues" in err && Array.isArray((err as { issues: unknown }).issues)) {
      const issues = (err as unknown as { issues: { path: PropertyKey[]; message: string }[] }).issues;
      return problemResponse(c, "validation_failed", "the request is not valid", zodIssuesToFieldErrors(issues));
    }
    if (isConnectionLoss(err)) {
      // The message only, and redacted: a failed query's message carries its parameters (key hashes).
      deps.log.warn("request failed: a backing service is unreachable", { err: errorFields(err as Error).message, path: c.req.path, requestId: c.get("requestId") });
      c.header("retry-after", "1");
      return problemResponse(c, "unavailable", "the database or the queue is unreachable for a moment; send the request again");
    }
    deps.log.error("request failed", { err, path: c.req.path, requestId: c.get("requestId") });
    return problemResponse(c, "internal", "something went wrong on our side; the request id identifies it in our logs");
  });
  app.notFound((c) => problemResponse(c, "not_found", `no route for ${c.req.method} ${c.req.path}`));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer rw_live_…`. Roles: ingest, marketer, manager, admin.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "consoleSession", {
    type: "apiKey",
    in: "cookie",
    name: "rw_session",
    description: "The console's session (httpOnly, SameSite=Strict), from POST /v1/sessions; state-changing requests also send its CSRF token in `x-csrf-token`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "webhookSignature", {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description: "Standard Webhooks: `webhook-signature` is the HMAC-SHA256 of `webhook-id.webhook-timestamp.body` with the signing source's `whsec_` secret (with the `webhook-id` and `webhook-timestamp` headers).",
  });

  registerHealthRoutes(app);
  registerApiIndex(app);
  registerSignalRoutes(app);
  registerWebhookSourceRoutes(app);
  registerCustomerRoutes(app);
  registerCompetitorRoutes(app);
  registerApiKeyRoutes(app);
  registerWorkspaceRoutes(app);
  registerModelRoutes(app);
  registerReplayRoutes(app);
  registerAlertRoutes(app);
  registerRuleRoutes(app);
  registerAuditRoutes(app);
  registerWebhookEndpointRoutes(app);
  registerManagerRoutes(app);
  registerTaskRoutes(app);
  registerCampaignRoutes(app);
  registerDigestRoutes(app);
  registerPrivacyRoutes(app);
  registerMetricsRoute(app);
  registerQueueDashboard(app, deps);
  registerSessionRoutes(app);
  registerOverviewRoutes(app);

  // Built on first request, once every route has registered itself.
  let description: ReturnType<typeof describeApi> | undefined;
  app.get("/openapi.json", (c) => c.json((description ??= describeApi(app))));
  registerDocsPage(app);
  registerConsole(app);
  return app;
}

// Swagger UI from the installed package, so the docs work without internet.
function registerDocsPage(app: App) {
  const dist = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const assets: Record<string, string> = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
  };
  const page = (c: Context) =>
    c.html(`<!doctype html><html><head><meta charset="utf-8"><title>Rivalwatch API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui", presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });</script>
</body></html>`);
  // With and without the trailing slash: both are what people type.
  app.get("/docs", page);
  app.get("/docs/", page);
  app.get("/docs/:asset", async (c) => {
    const name = c.req.param("asset");
    const type = assets[name];
    if (!type) return problemResponse(c, "not_found", `no docs asset ${name}`);
    return c.body(await readFile(path.join(dist, name)), 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
}

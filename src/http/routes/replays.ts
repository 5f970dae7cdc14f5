import { createRoute, z } from "@hono/zod-openapi";
import { replayStatuses } from "../../../db/replay-schema.ts";
import { getReplay, listReplayAlerts, listReplays, replayRequestSchema, requestReplay } from "../../replay/replays.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";
import { replayProgressSchema } from "../../replay/engine.ts";
import { replaySummarySchema } from "../../replay/results.ts";
import { scoreReasonSchema } from "../schemas.ts";

const replay = z
  .object({
    id: z.string(),
    status: z.enum(replayStatuses),
    request: replayRequestSchema,
    progress: replayProgressSchema.nullable().meta({ description: "The replay's clock, moments done and alerts so far" }),
    summary: replaySummarySchema.nullable().meta({ description: "Counts, alerts by rule and severity, time taken (when succeeded)" }),
    error: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Replay" });

const replayAlert = z
  .object({
    customerId: z.string(),
    openedAt: z.iso.datetime(),
    severity: z.string(),
    score: z.number().int(),
    tier: z.string().nullable(),
    rules: z.array(z.object({ ruleId: z.string(), version: z.number().int() })),
    reasons: z.array(scoreReasonSchema),
  })
  .meta({ id: "ReplayAlert" });

const idParam = z.object({ id: z.string().min(1).max(200) });

export function registerReplayRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/replays",
      summary: "Replay the whole pipeline over the workspace's own history",
      description:
        "Runs the rules, scores, model fits and daily passes over the workspace's stored signals in time order, as production would have, " +
        "in a scratch workspace set up like this one (optionally with other settings or rules). Live alerts and scores are never touched. " +
        "Answers 202 with the replay; poll GET /v1/replays/{id} and read its alerts at GET /v1/replays/{id}/alerts.",
      tags: ["replays"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { body: { content: { "application/json": { schema: replayRequestSchema } }, required: true } },
      responses: { 202: { description: "Queued", content: { "application/json": { schema: replay } } }, ...problemResponses(400, 401, 403, 422) },
    }),
    async (c) => {
      const p = c.get("principal");
      const body = await requestReplay(c.get("deps"), { workspaceId: p.workspaceId, actor: `api-key:${p.keyId}`, request: c.req.valid("json") });
      return c.json(body as z.infer<typeof replay>, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/replays",
      summary: "The workspace's replays, newest first (up to 100)",
      tags: ["replays"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      responses: { 200: { description: "Replays", content: { "application/json": { schema: z.object({ items: z.array(replay) }) } } }, ...problemResponses(401, 403) },
    }),
    async (c) => c.json((await listReplays(c.get("deps"), { workspaceId: c.get("principal").workspaceId })) as { items: z.infer<typeof replay>[] }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/replays/{id}",
      summary: "A replay: status, progress and, when done, its summary",
      tags: ["replays"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: { params: idParam },
      responses: { 200: { description: "The replay", content: { "application/json": { schema: replay } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) =>
      c.json((await getReplay(c.get("deps"), { workspaceId: c.get("principal").workspaceId, replayId: c.req.valid("param").id })) as z.infer<typeof replay>, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/replays/{id}/alerts",
      summary: "The alerts a replay raised, oldest first",
      tags: ["replays"],
      security: bearerSecurity,
      middleware: [requireRole("marketer")] as const,
      request: {
        params: idParam,
        query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().optional() }),
      },
      responses: {
        200: { description: "A page of alerts", content: { "application/json": { schema: z.object({ items: z.array(replayAlert), nextCursor: z.string().nullable() }) } } },
        ...problemResponses(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await listReplayAlerts(c.get("deps"), { workspaceId: c.get("principal").workspaceId, replayId: c.req.valid("param").id, limit: q.limit, cursor: q.cursor });
      return c.json(page as { items: z.infer<typeof replayAlert>[]; nextCursor: string | null }, 200);
    },
  );
}

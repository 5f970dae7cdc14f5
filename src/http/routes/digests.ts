import { createRoute, z } from "@hono/zod-openapi";
import { latestDigest, previewDigest, sendDigestNow } from "../../digests/digests.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const changeKinds = ["new", "updated", "unchanged"] as const;
const digestContent = z
  .object({
    managerId: z.string(),
    period: z.string().meta({ description: "The manager's local day (2026-11-20) or ISO week (2026-W47)" }),
    since: z.iso.datetime().nullable().meta({ description: "The previous digest's time: what is newer counts as new" }),
    locale: z.enum(["ko", "en"]),
    timezone: z.string(),
    summary: z.object({
      openAlerts: z.number().int(),
      newAlerts: z.number().int(),
      changedAlerts: z.number().int(),
      openTasks: z.number().int(),
      newTasks: z.number().int(),
      overdueTasks: z.number().int(),
    }),
    tasks: z.array(
      z.object({
        id: z.string(),
        customerId: z.string(),
        severity: z.string(),
        status: z.string(),
        valueAtRisk: z.number().nullable(),
        dueAt: z.iso.datetime(),
        dueAtLocal: z.string().meta({ description: "The due time in the manager's timezone and language" }),
        overdue: z.boolean(),
        new: z.boolean(),
        why: z.array(z.string()),
        play: z.string(),
        url: z.string().nullable().meta({ description: "The console's task list, when PUBLIC_URL is set" }),
      }),
    ),
    alerts: z.array(
      z.object({
        id: z.string(),
        customerId: z.string(),
        customerName: z.string().nullable(),
        severity: z.string(),
        status: z.string(),
        score: z.number(),
        tier: z.string().nullable(),
        valueAtRisk: z.number().nullable(),
        change: z.enum(changeKinds),
        reasons: z.array(z.string()),
        url: z.string().nullable().meta({ description: "The alert in the console, when PUBLIC_URL is set" }),
      }),
    ),
  })
  .meta({ id: "DigestContent" });

const digest = z
  .object({
    id: z.string(),
    managerId: z.string(),
    period: z.string(),
    content: digestContent,
    text: z.string(),
    html: z.string(),
    createdAt: z.iso.datetime(),
    emailedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Digest" });

const preview = z
  .object({
    managerId: z.string(),
    period: z.string(),
    locale: z.enum(["ko", "en"]),
    timezone: z.string(),
    sent: z.object({ digestId: z.string(), createdAt: z.iso.datetime() }).nullable().meta({ description: "The digest already sent for this period, if any" }),
    wouldSend: z.boolean().meta({ description: "Whether the scheduled run would send a digest now" }),
    content: digestContent,
    text: z.string(),
    html: z.string(),
  })
  .meta({ id: "DigestPreview" });

const sent = z.object({ result: z.enum(["created", "exists"]), digest }).meta({ id: "DigestSent" });
const params = z.object({ managerId: z.string().min(1).max(200) });

export function registerDigestRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/digests/{managerId}/latest",
      summary: "A manager's latest digest: open alerts and tasks ranked by value at risk, overdue first, what changed",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params },
      responses: { 200: { description: "The digest", content: { "application/json": { schema: digest } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await latestDigest(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/digests/{managerId}/preview",
      summary: "What the manager's next digest would say now, in their timezone and language; nothing is stored or sent",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params },
      responses: { 200: { description: "The preview", content: { "application/json": { schema: preview } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await previewDigest(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") }), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/digests/{managerId}/send",
      summary: "Send the manager's digest now (email and digest.ready webhook); once per period: again, it answers with the one already sent",
      tags: ["managers"],
      security: bearerSecurity,
      middleware: [requireRole("manager")] as const,
      request: { params },
      responses: {
        201: { description: "Sent now", content: { "application/json": { schema: sent } } },
        200: { description: "Already sent for this period: that digest", content: { "application/json": { schema: sent } } },
        ...problemResponses(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const out = await sendDigestNow(c.get("deps"), { workspaceId: c.get("principal").workspaceId, ...c.req.valid("param") });
      return out.result === "created" ? c.json(out, 201) : c.json(out, 200);
    },
  );
}

import { createRoute, z } from "@hono/zod-openapi";
import { eraseCustomer } from "../../privacy/erase-customer.ts";
import { consentWithdrawalSchema, withdrawConsent } from "../../privacy/withdraw-consent.ts";
import type { App } from "../app.ts";
import { bearerSecurity, requireRole } from "../auth.ts";
import { problemResponses } from "../problem.ts";

const erasure = z
  .object({
    customerId: z.string(),
    erased: z.boolean().meta({ description: "false when the customer had been erased before (nothing left to erase)" }),
    erasedAt: z.string(),
    rows: z.record(z.string(), z.number()).meta({ description: "Rows removed per table" }),
  })
  .meta({ id: "Erasure" });

export function registerPrivacyRoutes(app: App) {
  app.openapi(
    createRoute({
      method: "delete",
      path: "/v1/customers/{customerId}",
      summary: "Erase a customer and everything held about them (idempotent)",
      description:
        "Signals, identities, features, tiers, scores, model values, alerts and their tasks, enrollments, opt-outs and the events about them, " +
        "for the customer and every customer merged into it. An audit record keeps who and when, without personal data; " +
        "a `customer.erased` event goes to webhook endpoints. Erasing again answers `erased: false`.",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole()] as const,
      request: { params: z.object({ customerId: z.string().min(1).max(200) }) },
      responses: { 200: { description: "Erased", content: { "application/json": { schema: erasure } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await eraseCustomer(c.get("deps"), { workspaceId: principal.workspaceId, customerId: c.req.valid("param").customerId, actor: principal.keyId });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/consent-withdrawals",
      summary: "Drop a provider's external evidence: for one customer, for one consent basis, or all of it",
      tags: ["customers"],
      security: bearerSecurity,
      middleware: [requireRole()] as const,
      request: { body: { required: true, content: { "application/json": { schema: consentWithdrawalSchema } } } },
      responses: {
        200: {
          description: "What was removed; the customers' features are recomputed without it",
          content: { "application/json": { schema: z.object({ source: z.string(), signalsRemoved: z.number(), customersAffected: z.number() }) } },
        },
        ...problemResponses(401, 403, 404, 415, 422),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      const result = await withdrawConsent(c.get("deps"), { workspaceId: principal.workspaceId, actor: principal.keyId, ...c.req.valid("json") });
      return c.json(result, 200);
    },
  );
}

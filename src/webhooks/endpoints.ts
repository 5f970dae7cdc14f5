// Webhook endpoints: where a workspace wants its events. The secret is shown once; the
// URL is vetted against the SSRF guard when it is saved and again at every delivery.
import { z } from "zod";
import { webhookEventTypes, type WebhookEndpoint, type WebhookEventType } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { generateWebhookSecret, type secretRotationSchema } from "../signals/webhook-sources.ts";
import { actionSettingsOf } from "../workspaces/settings.ts";
import { RefusedDestination, vetDestination } from "./ssrf.ts";

const url = z.url({ protocol: /^https?$/ }).max(2000);
const eventTypes = z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length);

export const endpointCreateSchema = z
  .strictObject({ url, eventTypes, description: z.string().max(500).optional(), enabled: z.boolean().default(true) })
  .meta({ id: "WebhookEndpointCreate" });
export const endpointPatchSchema = z
  .strictObject({ url, eventTypes, description: z.string().max(500).nullable(), enabled: z.boolean() })
  .partial()
  .meta({ id: "WebhookEndpointPatch" });

type Row = {
  workspace_id: string;
  id: string;
  url: string;
  description: string | null;
  event_types: WebhookEventType[];
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
};

export const endpointView = (r: Row) => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function workspaceAllowList(deps: Deps, workspaceId: string): Promise<string[]> {
  const [ws] = await deps.database.sql<{ settings: Parameters<typeof actionSettingsOf>[0] }[]>`
    select settings from workspaces where id = ${workspaceId}`;
  return ws ? actionSettingsOf(ws.settings).webhookAllowList : [];
}

async function vet(deps: Deps, workspaceId: string, target: string) {
  try {
    await vetDestination(target, await workspaceAllowList(deps, workspaceId));
  } catch (err) {
    if (err instanceof RefusedDestination) throw new AppError("validation_failed", err.message, [{ path: "url", message: err.message }]);
    throw err;
  }
}

export async function createWebhookEndpoint(deps: Deps, input: { workspaceId: string; endpoint: z.infer<typeof endpointCreateSchema> }) {
  await vet(deps, input.workspaceId, input.endpoint.url);
  const now = deps.clock();
  const e = input.endpoint;
  const [row] = await deps.database.sql<Row[]>`
    insert into webhook_endpoints (workspace_id, id, url, description, event_types, secret, enabled, created_at, updated_at)
    values (${input.workspaceId}, ${newId("whe")}, ${e.url}, ${e.description ?? null}, ${[...new Set(e.eventTypes)]}, ${generateWebhookSecret()},
      ${e.enabled}, ${now}, ${now})
    returning *`;
  return { ...endpointView(row!), secret: row!.secret };
}

export async function listWebhookEndpoints(deps: Deps, input: { workspaceId: string }) {
  const rows = await deps.database.sql<Row[]>`select * from webhook_endpoints where workspace_id = ${input.workspaceId} order by created_at, id`;
  return rows.map(endpointView);
}

export async function getWebhookEndpoint(deps: Deps, input: { workspaceId: string; endpointId: string }) {
  const [row] = await deps.database.sql<Row[]>`
    select * from webhook_endpoints where workspace_id = ${input.workspaceId} and id = ${input.endpointId}`;
  if (!row) throw notFound("webhook endpoint", input.endpointId);
  return endpointView(row);
}

export async function updateWebhookEndpoint(
  deps: Deps,
  input: { workspaceId: string; endpointId: string; patch: z.infer<typeof endpointPatchSchema> },
) {
  const p = input.patch;
  if (p.url !== undefined) await vet(deps, input.workspaceId, p.url);
  const current = await getWebhookEndpoint(deps, input);
  const enabled = p.enabled ?? current.enabled;
  const [row] = await deps.database.sql<Row[]>`
    update webhook_endpoints set
      url = ${p.url ?? current.url},
      event_types = ${p.eventTypes ? [...new Set(p.eventTypes)] : current.eventTypes},
      description = ${p.description !== undefined ? p.description : current.description},
      enabled = ${enabled},
      disabled_reason = ${enabled ? null : p.enabled === false ? "disabled by a person" : current.disabledReason},
      updated_at = ${deps.clock()}
    where workspace_id = ${input.workspaceId} and id = ${input.endpointId}
    returning *`;
  return endpointView(row!);
}

/** A new secret for an endpoint; deliveries carry signatures by both secrets for the overlap, so the receiver can switch when it likes. */
export async function rotateWebhookEndpointSecret(
  deps: Deps,
  input: { workspaceId: string; endpointId: string } & z.infer<typeof secretRotationSchema>,
) {
  const expiresAt = new Date(deps.clock().getTime() + input.overlapHours * 3_600_000);
  const [row] = await deps.database.sql<{ id: string; secret: string }[]>`
    update webhook_endpoints set previous_secret = secret, previous_secret_expires_at = ${expiresAt},
      secret = ${generateWebhookSecret()}, updated_at = ${deps.clock()}
    where workspace_id = ${input.workspaceId} and id = ${input.endpointId}
    returning id, secret`;
  if (!row) throw notFound("webhook endpoint", input.endpointId);
  return { id: row.id, secret: row.secret, previousSecretValidUntil: expiresAt.toISOString() };
}

export async function deleteWebhookEndpoint(deps: Deps, input: { workspaceId: string; endpointId: string }) {
  const rows = await deps.database.sql`
    delete from webhook_endpoints where workspace_id = ${input.workspaceId} and id = ${input.endpointId} returning id`;
  if (rows.length === 0) throw notFound("webhook endpoint", input.endpointId);
}

export type { WebhookEndpoint };

// Consent per channel: an opt-out is honoured from the moment it is written (enrollment checks
// it in the same transaction that would dispatch). Opting back in deletes the row.
import { z } from "zod";
import { campaignChannels } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";

export const optOutSchema = z.strictObject({ channels: z.array(z.enum(campaignChannels)).min(1).max(campaignChannels.length) }).meta({ id: "OptOut" });

export async function recordOptOut(deps: Deps, input: { workspaceId: string; customerId: string; channels: readonly string[] }) {
  const now = deps.clock();
  for (const channel of new Set(input.channels)) {
    await deps.database.sql`
      insert into channel_opt_outs (workspace_id, customer_id, channel, at) values (${input.workspaceId}, ${input.customerId}, ${channel}, ${now})
      on conflict do nothing`;
  }
  return listOptOuts(deps, input);
}

export async function removeOptOut(deps: Deps, input: { workspaceId: string; customerId: string; channels: readonly string[] }) {
  await deps.database.sql`
    delete from channel_opt_outs where workspace_id = ${input.workspaceId} and customer_id = ${input.customerId} and channel = any(${[...input.channels]}::text[])`;
  return listOptOuts(deps, input);
}

export async function listOptOuts(deps: Deps, input: { workspaceId: string; customerId: string }) {
  const rows = await deps.database.sql<{ channel: string; at: Date }[]>`
    select channel, at from channel_opt_outs where workspace_id = ${input.workspaceId} and customer_id = ${input.customerId} order by channel`;
  return { customerId: input.customerId, optOuts: rows.map((r) => ({ channel: r.channel, at: r.at.toISOString() })) };
}

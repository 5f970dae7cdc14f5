import type { SignalRow } from "../../db/signal-row.ts";
import { and, eq, sql as dsql } from "drizzle-orm";
import { z } from "zod";
import type postgres from "postgres";
import type { DbOrTx } from "../../db/client.ts";
import { seasonalSilenceJoinSql } from "../../db/queries/calendar.ts";
import { customerTiers } from "../../db/scoring-schema.ts";
import { customerFeatures, customerIdentities, customers, identityKinds, signals, signalTypes } from "../../db/schema.ts";
import type { Deps } from "../deps.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { AppError, notFound } from "../errors.ts";
import { enqueueRefresh, requestRefresh } from "../features/refresh.ts";
import { getCustomerModel } from "../model-fits/model-views.ts";
import { instant } from "../input/instant.ts";

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Asia/Seoul" },
);

/** A profile's attributes are labels for people, not a document store. */
export const MAX_ATTRIBUTES_BYTES = 32 * 1024;

export const identitySchema = z.strictObject({ kind: z.enum(identityKinds), value: z.string().trim().min(1).max(200) });

export const customerUpsertSchema = z
  .strictObject({
    name: z.string().max(200).nullable(),
    email: z.email().max(320).nullable(),
    managerId: z.string().min(1).max(200).nullable(),
    timezone: timezone.nullable(),
    attributes: z
      .record(z.string().min(1).max(100), z.unknown())
      .refine((a) => Buffer.byteLength(JSON.stringify(a)) <= MAX_ATTRIBUTES_BYTES, {
        message: `must be at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON`,
      })
      .meta({ description: `The integrator's own labels for the customer, any JSON values (at most ${MAX_ATTRIBUTES_BYTES / 1024} KiB); campaign templates can use them as {{attributes.name}}` }),
    identities: z.array(identitySchema).max(50),
  })
  .partial()
  .meta({ id: "CustomerUpsert" });

/** The customer an id names now: following a merge, or a CRM id attached to another customer. */
export async function resolveCustomerId(db: DbOrTx, workspaceId: string, id: string): Promise<string> {
  const rows = await db.execute<{ id: string }>(dsql`
    select coalesce(c.merged_into, c.id) as id from customers c where c.workspace_id = ${workspaceId} and c.id = ${id}
    union all
    select i.customer_id from customer_identities i where i.workspace_id = ${workspaceId} and i.kind = 'crm_id' and i.value = ${id}
    limit 1`);
  const found = rows[0]?.id;
  if (!found) throw notFound("customer", id);
  return found;
}

export async function upsertCustomer(
  deps: Deps,
  input: { workspaceId: string; customerId: string; customer: z.infer<typeof customerUpsertSchema> },
) {
  const { identities = [], ...fields } = input.customer;
  return deps.database.db.transaction(async (tx) => {
    const existing = await tx
      .select({ mergedInto: customers.mergedInto })
      .from(customers)
      .where(and(eq(customers.workspaceId, input.workspaceId), eq(customers.id, input.customerId)));
    if (existing[0]?.mergedInto) {
      throw new AppError("conflict", `customer ${input.customerId} was merged into ${existing[0].mergedInto}; update that one`);
    }
    await tx
      .insert(customers)
      .values({ workspaceId: input.workspaceId, id: input.customerId, ...fields })
      .onConflictDoUpdate({
        target: [customers.workspaceId, customers.id],
        set: { ...fields, updatedAt: deps.clock() },
      });
    const all = [{ kind: "crm_id" as const, value: input.customerId }, ...identities];
    await tx
      .insert(customerIdentities)
      .values(all.map((i) => ({ workspaceId: input.workspaceId, customerId: input.customerId, ...i })))
      .onConflictDoNothing();
    const owners = await tx
      .select()
      .from(customerIdentities)
      .where(
        and(
          eq(customerIdentities.workspaceId, input.workspaceId),
          dsql`(${customerIdentities.kind}, ${customerIdentities.value}) in (${dsql.join(
            all.map((i) => dsql`(${i.kind}, ${i.value})`),
            dsql`, `,
          )})`,
        ),
      );
    const errors = all.flatMap((identity, i) => {
      const owner = owners.find((o) => o.kind === identity.kind && o.value === identity.value);
      if (!owner || owner.customerId === input.customerId) return [];
      const path = i === 0 ? "customerId" : `identities[${i - 1}]`;
      return [{ path, message: `${identity.kind} ${identity.value} belongs to customer ${owner.customerId}; merge the two customers instead` }];
    });
    if (errors.length > 0) throw new AppError("conflict", "an identity belongs to another customer", errors);
    return getCustomerProfile({ db: tx, sql: deps.database.sql }, input.workspaceId, input.customerId, deps.clock());
  });
}

/**
 * The profile as of `now`: days since the last purchase and the seasonal Bayes factor are
 * computed for that moment, as rules read them. `db` may be a transaction; the factor is read
 * through `sql` (postgres.js, where its SQL is written), from the committed features.
 */
export async function getCustomerProfile(reader: { db: DbOrTx; sql: postgres.Sql }, workspaceId: string, idOrIdentity: string, now: Date = new Date()) {
  const { db } = reader;
  const id = await resolveCustomerId(db, workspaceId, idOrIdentity);
  const [customer] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, id)));
  if (!customer) throw notFound("customer", idOrIdentity);
  const identities = await db
    .select({ kind: customerIdentities.kind, value: customerIdentities.value, since: customerIdentities.createdAt })
    .from(customerIdentities)
    .where(and(eq(customerIdentities.workspaceId, workspaceId), eq(customerIdentities.customerId, id)))
    .orderBy(customerIdentities.kind, customerIdentities.value);
  const [features] = await db
    .select()
    .from(customerFeatures)
    .where(and(eq(customerFeatures.workspaceId, workspaceId), eq(customerFeatures.customerId, id)));
  const [tier] = await db
    .select({ tier: customerTiers.tier, since: customerTiers.since, score: customerTiers.tierScore, parts: customerTiers.parts, evaluatedAt: customerTiers.evaluatedAt })
    .from(customerTiers)
    .where(and(eq(customerTiers.workspaceId, workspaceId), eq(customerTiers.customerId, id)));
  // Ingest does not touch the customer row; the newest signal is read from the signals.
  const [newest] = await db
    .select({ at: dsql<Date | null>`max(${signals.receivedAt})`.mapWith(signals.receivedAt) })
    .from(signals)
    .where(and(eq(signals.workspaceId, workspaceId), eq(signals.customerId, id)));
  const lastSignalAt = newest?.at ?? customer.lastSignalAt;
  const { workspaceId: _w, mergedInto: _m, ...profile } = customer;
  // Purchase weeks are what the seasonal factor is computed from, not a feature to show.
  const { workspaceId: _fw, customerId: _fc, purchaseWeeks: _pw, ...featureValues } = features ?? {};
  const [seasonal] = features
    ? await reader.sql<{ factor: number | null }[]>`
        select seasonal.seasonal_silence_bayes_factor as factor
        from customer_features f ${seasonalSilenceJoinSql(reader.sql, { workspaceId, asOf: now })}
        where f.workspace_id = ${workspaceId} and f.customer_id = ${id}`
    : [];
  return {
    ...profile,
    lastSignalAt,
    identities,
    tier: tier ?? null,
    features: features
      ? {
          ...featureValues,
          daysSinceLastPurchase: features.lastPurchaseAt ? (now.getTime() - features.lastPurchaseAt.getTime()) / 86_400_000 : null,
          seasonalSilenceBayesFactor: seasonal?.factor ?? null,
        }
      : null,
    featuresStale: !features || (lastSignalAt !== null && (features.watermark ?? new Date(0)) < lastSignalAt),
    // BG/NBD + Gamma-Gamma values, or null and why (no fit yet, not enough history, no purchase).
    ...(await getCustomerModel(db, workspaceId, id)),
  };
}

export const signalTimelineQuerySchema = z.object({
  type: z.enum(signalTypes).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(500).optional(),
});

/** A customer's signals, newest first, paged by an opaque cursor of (occurredAt, id). */
export async function listCustomerSignals(
  deps: Deps,
  input: { workspaceId: string; customerId: string } & z.infer<typeof signalTimelineQuerySchema>,
) {
  const id = await resolveCustomerId(deps.database.db, input.workspaceId, input.customerId);
  const after = decodeCursor(z.object({ t: instant, id: z.string() }), input.cursor);
  const sql = deps.database.sql;
  const rows = await sql<Omit<SignalRow, "customer_id">[]>`
    select id, type, occurred_at, received_at, identity_kind, identity_value, amount, source, confidence,
      period_start, period_end, consent_basis, data
    from signals
    where workspace_id = ${input.workspaceId} and customer_id = ${id}
      ${input.type ? sql`and type = ${input.type}` : sql``}
      ${after ? sql`and (occurred_at, id) < (${after.t}::timestamptz, ${after.id})` : sql``}
    order by occurred_at desc, id desc
    limit ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    customerId: id,
    signals: page.map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      receivedAt: r.received_at.toISOString(),
      identity: { kind: r.identity_kind, value: r.identity_value },
      amount: r.amount,
      source: r.source,
      confidence: r.confidence,
      period: r.period_start && r.period_end ? { start: r.period_start.toISOString(), end: r.period_end.toISOString() } : null,
      consentBasis: r.consent_basis,
      data: r.data,
    })),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ t: last.occurred_at.toISOString(), id: last.id })
        : null,
  };
}

/**
 * Merges `sourceId` into `targetId`: the source's signals and identities move to the
 * target, the source row stays as a pointer (`mergedInto`) so old ids still resolve.
 */
export async function mergeCustomers(deps: Deps, input: { workspaceId: string; targetId: string; sourceId: string }) {
  const sql = deps.database.sql;
  const ws = input.workspaceId;
  const target = await resolveCustomerId(deps.database.db, ws, input.targetId);
  const source = await resolveCustomerId(deps.database.db, ws, input.sourceId);
  if (target === source) throw new AppError("conflict", "the two ids already name one customer");
  await sql.begin(async (tx) => {
    // Lock in a fixed order so two opposite merges cannot deadlock.
    await tx`select id from customers where workspace_id = ${ws} and id = any(${[target, source].sort()}::text[]) order by id for update`;
    // Before moving anything: the bump waits for ingest flushes holding the row (their
    // signals are committed when the move below reads), and holds off new ones until this
    // commits; ingest processes drop their cached identities when they see it.
    await tx`
      insert into identity_generations (workspace_id, generation) values (${ws}, 1)
      on conflict (workspace_id) do update set generation = identity_generations.generation + 1`;
    await tx`update signals set customer_id = ${target} where workspace_id = ${ws} and customer_id = ${source}`;
    await tx`update customer_identities set customer_id = ${target} where workspace_id = ${ws} and customer_id = ${source}`;
    await tx`
      update customers t set
        name = coalesce(t.name, s.name), email = coalesce(t.email, s.email),
        manager_id = coalesce(t.manager_id, s.manager_id), timezone = coalesce(t.timezone, s.timezone),
        attributes = s.attributes || t.attributes,
        last_signal_at = greatest(t.last_signal_at, s.last_signal_at), updated_at = ${deps.clock()}
      from customers s
      where t.workspace_id = ${ws} and t.id = ${target} and s.workspace_id = ${ws} and s.id = ${source}`;
    await tx`update customers set merged_into = ${target} where workspace_id = ${ws} and (id = ${source} or merged_into = ${source})`;
    // Both feature rows are now wrong; without them the stale sweep recomputes the target
    // even if the refresh queued below is lost.
    await tx`delete from customer_features where workspace_id = ${ws} and customer_id = any(${[target, source]}::text[])`;
    await tx`delete from refresh_requests where workspace_id = ${ws} and customer_id = ${source}`;
    await requestRefresh(tx, ws, [target], deps.clock());
  });
  await enqueueRefresh(deps, ws).catch((err: unknown) => deps.log.warn("refresh not queued after merge; the sweep will pick it up", { err }));
  return getCustomerProfile(deps.database, ws, target, deps.clock());
}

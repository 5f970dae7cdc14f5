// Signals in: validate each item on its own, then store the accepted ones in one
// transaction (identities, competitors, signals, refresh requests), and only then answer.
// The refresh is queued after the commit; if the queue is away, the sweep finds the
// requests again in PostgreSQL, so nothing accepted is ever lost.
import type postgres from "postgres";
import type { WorkspaceSettings } from "../../db/schema.ts";
import { competitorIdFor } from "../competitors/competitors.ts";
import type { Deps } from "../deps.ts";
import { zodIssuesToFieldErrors } from "../errors.ts";
import { resolveIdentities } from "../customers/identities.ts";
import { enqueueRefresh } from "../features/refresh.ts";
import { toWorkspaceCurrency } from "../workspaces/settings.ts";
import { getWorkspace } from "../workspaces/workspaces.ts";
import { signalSchema, type ParsedSignal, type SignalBatchResult } from "./schema.ts";

type Accepted = { index: number; signal: ParsedSignal; amount: number | null };

export async function ingestSignals(
  deps: Deps,
  input: { workspaceId: string; items: readonly unknown[]; settings?: WorkspaceSettings },
): Promise<SignalBatchResult> {
  const settings = input.settings ?? (await getWorkspace(deps.database.db, input.workspaceId)).settings;
  const results: SignalBatchResult["results"] = [];
  const valid: Accepted[] = [];
  const seen = new Set<string>();

  input.items.forEach((item, index) => {
    const parsed = signalSchema.safeParse(item);
    if (!parsed.success) {
      const id = typeof (item as { id?: unknown })?.id === "string" ? (item as { id: string }).id : null;
      results[index] = { index, id, status: "rejected", errors: zodIssuesToFieldErrors(parsed.error.issues, ["signals", index]) };
      return;
    }
    const signal = parsed.data;
    let amount: number | null = null;
    if ("amount" in signal.data) {
      const converted = toWorkspaceCurrency(settings, signal.data.amount, signal.data.currency);
      if (typeof converted === "string") {
        results[index] = { index, id: signal.id, status: "rejected", errors: [{ path: `signals[${index}].data.currency`, message: converted }] };
        return;
      }
      amount = converted;
    }
    // The same id twice in one batch is counted once, like the same id in a later request.
    if (seen.has(signal.id)) {
      results[index] = { index, id: signal.id, status: "duplicate" };
      return;
    }
    seen.add(signal.id);
    valid.push({ index, signal, amount });
  });

  const touched = new Set<string>();
  if (valid.length > 0) {
    const receivedAt = deps.clock();
    await deps.database.sql.begin(async (tx) => {
      const customerOf = await resolveIdentities(
        tx,
        input.workspaceId,
        valid.map((v) => ({ kind: v.signal.identityKind, value: v.signal.customerId })),
      );
      await registerCompetitors(tx, input.workspaceId, valid);
      const rows = valid.map(({ signal, amount }) => ({
        id: signal.id,
        customer_id: customerOf(signal.identityKind, signal.customerId),
        identity_kind: signal.identityKind,
        identity_value: signal.customerId,
        type: signal.type,
        occurred_at: signal.occurredAt,
        amount,
        competitor: "competitor" in signal.data ? competitorIdFor(signal.data.competitor) : null,
        source: signal.source ?? null,
        confidence: signal.confidence ?? null,
        period_start: signal.period?.start ?? null,
        period_end: signal.period?.end ?? null,
        consent_basis: signal.consentBasis ?? null,
        data: signal.data as Record<string, unknown>,
      }));
      // One statement: insert, mark the customers' newest signal, request their refresh. The
      // rows travel as one JSON parameter: far cheaper to encode than a parameter per value.
      const inserted = await tx<{ id: string }[]>`
        with inserted as (
          insert into signals (workspace_id, id, customer_id, identity_kind, identity_value, type, occurred_at, received_at,
            amount, competitor, source, confidence, period_start, period_end, consent_basis, data)
          select ${input.workspaceId}, r.id, r.customer_id, r.identity_kind, r.identity_value, r.type, r.occurred_at,
            ${receivedAt}::timestamptz, r.amount, r.competitor, r.source, r.confidence, r.period_start, r.period_end, r.consent_basis, r.data
          from jsonb_to_recordset(${tx.json(rows as never)}) as r(id text, customer_id text, identity_kind text, identity_value text,
            type text, occurred_at timestamptz, amount float8, competitor text, source text, confidence float8,
            period_start timestamptz, period_end timestamptz, consent_basis text, data jsonb)
          on conflict (workspace_id, id) do nothing
          returning id, customer_id
        ),
        marked as (
          update customers set last_signal_at = greatest(coalesce(last_signal_at, '-infinity'), ${receivedAt}::timestamptz)
          where workspace_id = ${input.workspaceId} and id in (select customer_id from inserted)
        ),
        requested as (
          insert into refresh_requests (workspace_id, customer_id, requested_at)
          select distinct ${input.workspaceId}, customer_id, ${receivedAt}::timestamptz from inserted
          on conflict (workspace_id, customer_id) do update set requested_at = excluded.requested_at
        )
        select id from inserted`;
      const insertedIds = new Set(inserted.map((r) => r.id));
      for (const [i, v] of valid.entries()) {
        const customerId = rows[i]!.customer_id;
        const accepted = insertedIds.has(v.signal.id);
        if (accepted) touched.add(customerId);
        results[v.index] = { index: v.index, id: v.signal.id, status: accepted ? "accepted" : "duplicate", customerId };
      }
    });
  }

  if (touched.size > 0) {
    await enqueueRefresh(deps, input.workspaceId).catch((err: unknown) =>
      deps.log.warn("refresh not queued; the sweep will pick it up", { err }),
    );
  }

  const count = (s: string) => results.filter((r) => r.status === s).length;
  return { accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), results };
}

/** Signals naming a competitor the workspace has not registered register it, with its apps. */
async function registerCompetitors(tx: postgres.TransactionSql, workspaceId: string, valid: Accepted[]) {
  const byId = new Map<string, { apps: Set<string>; categories: Set<string> }>();
  for (const { signal } of valid) {
    if (!("competitor" in signal.data)) continue;
    const id = competitorIdFor(signal.data.competitor);
    const entry = byId.get(id) ?? { apps: new Set(), categories: new Set() };
    if ("app" in signal.data) entry.apps.add(signal.data.app);
    if ("category" in signal.data && signal.data.category) entry.categories.add(signal.data.category);
    byId.set(id, entry);
  }
  if (byId.size === 0) return;
  const rows = [...byId].map(([id, e]) => ({
    id,
    apps: [...e.apps].sort(),
    categories: [...e.categories].sort(),
  }));
  // Only ever adds apps and categories; a row a person edited keeps its name.
  await tx`
    insert into competitors (workspace_id, id, name, apps, categories, auto_registered)
    select ${workspaceId}, r.id, r.id,
      array(select jsonb_array_elements_text(r.apps)), array(select jsonb_array_elements_text(r.categories)), true
    from jsonb_to_recordset(${tx.json(rows)}) as r(id text, apps jsonb, categories jsonb)
    on conflict (workspace_id, id) do update set
      apps = array(select distinct unnest(competitors.apps || excluded.apps) order by 1),
      categories = array(select distinct unnest(competitors.categories || excluded.categories) order by 1)
    where not (excluded.apps <@ competitors.apps and excluded.categories <@ competitors.categories)`;
}

// Account managers: part of the workspace, named by the CRM's own id (what customers'
// `managerId` holds), with a timezone, digest preferences and a capacity of open tasks.
import { z } from "zod";
import type { DigestPreferences } from "../../db/actions-schema.ts";
import type { Deps } from "../deps.ts";
import { AppError, notFound } from "../errors.ts";
import { scheduleDigest } from "../digests/digests.ts";
import { newId } from "../ids.ts";
import { isTimeZone } from "../workspaces/settings.ts";

const digestSchema = z.strictObject({
  frequency: z.enum(["daily", "weekly", "off"]).default("daily"),
  hour: z.number().int().min(0).max(23).default(8),
  weekday: z.number().int().min(0).max(6).default(1),
  sendWhenEmpty: z.boolean().default(false),
});

const managerLocale = z.enum(["ko", "en"]).describe("The language of the manager's digest; unset: the workspace's locale, else English.");

export const managerCreateSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_.@-]{1,100}$/, "letters, digits, _ . @ - only").optional(),
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320),
    timezone: z.string().refine(isTimeZone, "must be an IANA timezone such as Asia/Seoul").default("Asia/Seoul"),
    locale: managerLocale.optional(),
    digest: digestSchema.default({ frequency: "daily", hour: 8, weekday: 1, sendWhenEmpty: false }),
    capacity: z.number().int().min(0).max(10_000).default(25),
    active: z.boolean().default(true),
  })
  .meta({ id: "ManagerCreate" });

export const managerPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320),
    timezone: z.string().refine(isTimeZone, "must be an IANA timezone such as Asia/Seoul"),
    locale: managerLocale.nullable(),
    digest: z
      .strictObject({
        frequency: z.enum(["daily", "weekly", "off"]),
        hour: z.number().int().min(0).max(23),
        weekday: z.number().int().min(0).max(6),
        sendWhenEmpty: z.boolean(),
      })
      .partial(),
    capacity: z.number().int().min(0).max(10_000),
    active: z.boolean(),
  })
  .partial()
  .meta({ id: "ManagerPatch" });

type Row = {
  id: string;
  name: string;
  email: string;
  timezone: string;
  locale: "ko" | "en" | null;
  digest: DigestPreferences;
  capacity: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  open_tasks: number;
};

const view = (r: Row) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  timezone: r.timezone,
  locale: r.locale,
  digest: r.digest,
  capacity: r.capacity,
  active: r.active,
  openTasks: Number(r.open_tasks ?? 0),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Best effort: the scheduler process re-syncs every manager's digest schedule when it starts. */
async function syncSchedule(deps: Deps, workspaceId: string, m: { id: string; timezone: string; digest: DigestPreferences; active: boolean }) {
  try {
    await scheduleDigest(deps, { workspace_id: workspaceId, ...m });
  } catch (err) {
    deps.log.warn("could not schedule the manager's digest", { err, workspaceId, managerId: m.id });
  }
}

export async function createManager(deps: Deps, input: { workspaceId: string; manager: z.infer<typeof managerCreateSchema> }) {
  const m = input.manager;
  const now = deps.clock();
  const rows = await deps.database.sql<Row[]>`
    insert into managers (workspace_id, id, name, email, timezone, locale, digest, capacity, active, created_at, updated_at)
    values (${input.workspaceId}, ${m.id ?? newId("mgr")}, ${m.name}, ${m.email}, ${m.timezone}, ${m.locale ?? null}, ${deps.database.sql.json(m.digest)},
      ${m.capacity}, ${m.active}, ${now}, ${now})
    on conflict (workspace_id, id) do nothing
    returning *, 0 as open_tasks`;
  if (rows.length === 0) throw new AppError("conflict", `a manager with id ${m.id} already exists`);
  await syncSchedule(deps, input.workspaceId, rows[0]!);
  return view(rows[0]!);
}

export async function listManagers(deps: Deps, input: { workspaceId: string }) {
  const rows = await deps.database.sql<Row[]>`
    select m.*, (select count(*)::int from tasks t where t.workspace_id = m.workspace_id and t.manager_id = m.id
      and t.status in ('open', 'in_progress')) as open_tasks
    from managers m where m.workspace_id = ${input.workspaceId} order by m.name, m.id`;
  return rows.map(view);
}

export async function getManager(deps: Deps, input: { workspaceId: string; managerId: string }) {
  const [row] = await deps.database.sql<Row[]>`
    select m.*, (select count(*)::int from tasks t where t.workspace_id = m.workspace_id and t.manager_id = m.id
      and t.status in ('open', 'in_progress')) as open_tasks
    from managers m where m.workspace_id = ${input.workspaceId} and m.id = ${input.managerId}`;
  if (!row) throw notFound("manager", input.managerId);
  return view(row);
}

export async function updateManager(deps: Deps, input: { workspaceId: string; managerId: string; patch: z.infer<typeof managerPatchSchema> }) {
  const current = await getManager(deps, input);
  const p = input.patch;
  const digest = { ...current.digest, ...p.digest };
  await deps.database.sql`
    update managers set name = ${p.name ?? current.name}, email = ${p.email ?? current.email}, timezone = ${p.timezone ?? current.timezone},
      locale = ${p.locale === undefined ? current.locale : p.locale}, digest = ${deps.database.sql.json(digest)}, capacity = ${p.capacity ?? current.capacity}, active = ${p.active ?? current.active},
      updated_at = ${deps.clock()}
    where workspace_id = ${input.workspaceId} and id = ${input.managerId}`;
  const after = await getManager(deps, input);
  await syncSchedule(deps, input.workspaceId, { ...after, digest: after.digest });
  return after;
}

// The daily objects from the terminal: alerts, rules, customers, managers and their digests.
// Each command validates with the API's own schema and calls the same domain function.
import { z } from "zod";
import { zodIssuesToFieldErrors } from "../../errors.ts";
import { alertListQuerySchema, alertTransitionSchema, getAlert, listAlerts, transitionAlert } from "../../alerts/alerts.ts";
import { getCustomerProfile, listCustomerSignals, signalTimelineQuerySchema } from "../../customers/customers.ts";
import { deliveryListQuerySchema, listDeliveries, replayDelivery } from "../../webhooks/deliveries.ts";
import { previewDigest, sendDigestNow } from "../../digests/digests.ts";
import { createManager, listManagers, managerCreateSchema } from "../../managers/managers.ts";
import { listTasks, taskListQuerySchema } from "../../tasks/tasks.ts";
import { dryRunRule } from "../../rules-service/dry-run.ts";
import { getRule, listRules, patchRule } from "../../rules-service/rules.ts";
import { alertLabelSchema, labelAlert } from "../../alerts/outcomes.ts";
import { backtestStoredRule } from "../../rules-service/backtest.ts";
import { dryRunSchema, rulePatchSchema, storedBacktestSchema } from "../../rules-service/schemas.ts";
import type { Runtime } from "../../runtime.ts";
import { apiBase, required, UsageError, withRuntime, workspaceOption, type Command, type Out, type Values } from "../command.ts";

// API field → the option that carries it here.
const optionOf: Record<string, string> = { managerId: "manager", customerId: "customer", endpointId: "endpoint", eventType: "event" };

/** Parses with the API's schema; a wrong value is a usage error naming the option. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const errors = zodIssuesToFieldErrors(parsed.error.issues).map((e) => `--${optionOf[e.path] ?? e.path}: ${e.message}`);
    throw new UsageError(errors.join("\n"));
  }
  return parsed.data;
}

const str = (values: Values, name: string) => values[name] as string | undefined;
const money = (v: number | null) => (v === null ? "—" : Math.round(v).toLocaleString("en-US"));
const alertId = (positionals: string[], usage: string) => positionals[0] ?? (() => { throw new UsageError(`give the alert id: ${usage}`); })();

type TransitionAction = z.infer<typeof alertTransitionSchema>["action"];
const transitionActions = alertTransitionSchema.options.map((o) => o.shape.action.value);

/** Moves the alert through its lifecycle with the API's schema (a snooze needs --until) and prints its new status. */
async function moveAlert(values: Values, out: Out, id: string, action: string | undefined) {
  const workspaceId = required(values, "workspace");
  const note = str(values, "note");
  const until = str(values, "until");
  if (action !== undefined && !(transitionActions as string[]).includes(action)) throw new UsageError(`the action must be one of ${transitionActions.join(", ")}, not "${action}"`);
  if (until !== undefined && action !== "snooze") throw new UsageError("--until goes with snooze only");
  const change = parse(alertTransitionSchema, { action, ...(note ? { note } : {}), ...(action === "snooze" ? { until } : {}) });
  await withRuntime(out, async (rt) => {
    const alert = await transitionAlert(rt, { workspaceId, alertId: id, actor: "cli", change });
    const snoozed = alert.status === "snoozed" && alert.snoozedUntil ? ` until ${alert.snoozedUntil}` : "";
    out.print(`Alert ${alert.id} (${alert.customerId}) is now ${alert.status}${snoozed}.`, alert);
  });
}

/** `alerts ack` and `alerts resolve`: the two transitions people use most, by a short name. */
function transition(action: Extract<TransitionAction, "acknowledge" | "resolve">, summary: string): Command {
  const name = `alerts ${action === "acknowledge" ? "ack" : "resolve"}`;
  return {
    name,
    summary,
    usage: "<alert id> --workspace <id> [--note <text>]",
    options: { ...workspaceOption, note: { type: "string" } },
    run: ({ values, positionals, out }) => moveAlert(values, out, alertId(positionals, `${name} <alert id> --workspace <id>`), action),
  };
}

function digestCommand(verb: string, summary: string, act: (rt: Runtime, scope: { workspaceId: string; managerId: string }) => Promise<[string, unknown]>): Command {
  return {
    name: `digest ${verb}`,
    summary,
    usage: "--manager <id> --workspace <id>",
    options: { ...workspaceOption, manager: { type: "string" } },
    async run({ values, out }) {
      const scope = { workspaceId: required(values, "workspace"), managerId: required(values, "manager") };
      await withRuntime(out, async (rt) => out.print(...(await act(rt, scope))));
    },
  };
}

export const dailyCommands: Command[] = [
  {
    name: "alerts list",
    summary: "alerts, newest first (or by value at risk)",
    usage: "--workspace <id> [--status <s>] [--severity <s>] [--tier <t>] [--manager <id>] [--customer <id>] [--sort opened|valueAtRisk] [--limit <n>]",
    options: {
      ...workspaceOption,
      status: { type: "string" },
      severity: { type: "string" },
      tier: { type: "string" },
      manager: { type: "string" },
      customer: { type: "string" },
      sort: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
    },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const query = parse(alertListQuerySchema, {
        status: str(values, "status"),
        severity: str(values, "severity"),
        tier: str(values, "tier"),
        managerId: str(values, "manager"),
        customerId: str(values, "customer"),
        sort: str(values, "sort"),
        limit: str(values, "limit") ?? "20",
        cursor: str(values, "cursor"),
      });
      await withRuntime(out, async (rt) => {
        const page = await listAlerts(rt, { workspaceId, ...query });
        const lines = page.alerts.map(
          (a) => `${a.id}  ${a.status.padEnd(12)} ${a.severity.padEnd(8)} score ${String(a.score).padStart(3)}  ${a.customerId}  ${a.tier ?? "—"}  value at risk ${money(a.valueAtRisk)}`,
        );
        out.print(
          [
            lines.length ? lines.join("\n") : "No alerts.",
            ...(page.nextCursor ? [`More: add --cursor ${page.nextCursor}`] : []),
            ...(lines.length ? [`Details: npm run cli -- alerts show <alert id> --workspace ${workspaceId}`] : []),
          ].join("\n"),
          page,
        );
      });
    },
  },
  {
    name: "alerts show",
    summary: "one alert with its reasons and every change",
    usage: "<alert id> --workspace <id>",
    options: workspaceOption,
    async run({ values, positionals, out }) {
      const id = alertId(positionals, "alerts show <alert id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const a = await getAlert(rt, { workspaceId, alertId: id });
        out.print(
          [
            `Alert ${a.id}: ${a.customerId}, ${a.status}, ${a.severity}, score ${a.score}, tier ${a.tier ?? "—"}, value at risk ${money(a.valueAtRisk)}`,
            `Opened ${a.openedAt}; manager ${a.managerId ?? "—"}`,
            "Reasons:",
            ...a.reasons.flatMap((r) => [`  ${r.name} (+${r.points}, ${r.mode})`, ...r.sentences.map((s) => `    - ${s}`)]),
            ...(a.campaigns.length ? ["Campaigns:", ...a.campaigns.map((c) => `  ${c.campaign}: ${c.status}${c.note ? ` — ${c.note}` : ""}`)] : []),
            "Changes:",
            ...a.events.map((e) => `  ${e.at}  ${e.type} by ${e.actor}`),
            `In the console: ${apiBase(rt)}/console/alerts/${a.id}`,
          ].join("\n"),
          a,
        );
      });
    },
  },
  transition("acknowledge", "acknowledge an alert: someone is on it"),
  transition("resolve", "resolve an alert"),
  {
    name: "alerts transition",
    summary: "move an alert through its lifecycle: acknowledge, snooze until a time, resolve or reopen",
    usage: "<alert id> acknowledge|snooze|resolve|reopen --workspace <id> [--until <date>] [--note <text>]",
    details:
      "The same change as POST /v1/alerts/{id}/transitions, with its rules: snooze needs --until, a future moment (ISO 8601, e.g. 2026-12-24T09:00:00+09:00); " +
      "reopen takes an acknowledged or snoozed alert back to open; an alert already resolved stays resolved (exit code 1, conflict).\n" +
      "Example: alerts transition alt_123 snooze --until 2026-12-24T09:00:00+09:00 --note \"on holiday\" --workspace ws_123 --json",
    options: { ...workspaceOption, until: { type: "string" }, note: { type: "string" } },
    async run({ values, positionals, out }) {
      const usage = "alerts transition <alert id> acknowledge|snooze|resolve|reopen --workspace <id>";
      const [id, action] = positionals;
      if (!id || !action) throw new UsageError(`give the alert id and the action: ${usage}`);
      await moveAlert(values, out, id, action);
    },
  },
  {
    name: "rules list",
    summary: "the workspace's rules at their current versions",
    usage: "--workspace <id>",
    options: workspaceOption,
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const { rules } = await listRules(rt, { workspaceId });
        out.print(
          rules.length ? rules.map((r) => `${r.id}  v${r.currentVersion}  ${r.mode.padEnd(6)} ${r.name}`).join("\n") : "No rules.",
          { rules },
        );
      });
    },
  },
  {
    name: "rules dry-run",
    summary: "evaluate a stored rule for one customer now, with the reasons an alert would carry",
    usage: "<rule id> --customer <id> --workspace <id> [--version <n>]",
    details: "Writes nothing but the customer's refreshed features.",
    options: { ...workspaceOption, customer: { type: "string" }, version: { type: "string" } },
    async run({ values, positionals, out }) {
      const ruleId = positionals[0];
      if (!ruleId) throw new UsageError("give the rule id: rules dry-run <rule id> --customer <id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      const version = str(values, "version");
      const input = parse(dryRunSchema, { ruleId, customerId: required(values, "customer"), ...(version ? { version: Number(version) } : {}) });
      await withRuntime(out, async (rt) => {
        const r = await dryRunRule(rt, { workspaceId, ...input });
        out.print(
          [
            `${ruleId} for ${r.customerId} (tier ${r.tier ?? "—"}): ${r.matched ? "matches" : "does not match"}${r.appliesToTier ? "" : " — not evaluated for this tier"}; ${r.wouldScore ? "would score" : "would not score"}.`,
            ...r.sentences.map((s) => `  - ${s}`),
          ].join("\n"),
          r,
        );
      });
    },
  },
  {
    name: "alerts label",
    summary: "say what the alert turned out to be: real_risk, false_alarm, saved or lost",
    usage: "<alert id> --label real_risk|false_alarm|saved|lost --workspace <id> [--note <text>]",
    options: { ...workspaceOption, label: { type: "string" }, note: { type: "string" } },
    async run({ values, positionals, out }) {
      const id = alertId(positionals, "alerts label <alert id> --label <label> --workspace <id>");
      const workspaceId = required(values, "workspace");
      const input = parse(alertLabelSchema, { label: str(values, "label"), ...(str(values, "note") ? { note: str(values, "note") } : {}) });
      await withRuntime(out, async (rt) => {
        await labelAlert(rt, { workspaceId, alertId: id, actor: "cli", ...input });
        out.print(`Alert ${id} is labelled ${input.label}.`, { alertId: id, ...input });
      });
    },
  },
  {
    name: "rules mode",
    summary: "switch a rule between live (alerts), shadow (scored, never alerts) and off",
    usage: "<rule id> live|shadow|off --workspace <id>",
    options: workspaceOption,
    async run({ values, positionals, out }) {
      const [ruleId, mode] = positionals;
      if (!ruleId || !mode) throw new UsageError("give the rule id and the mode: rules mode <rule id> live|shadow|off --workspace <id>");
      const workspaceId = required(values, "workspace");
      const patch = parse(rulePatchSchema, { mode });
      await withRuntime(out, async (rt) => {
        const result = await patchRule(rt, { workspaceId, ruleId, actor: "cli", patch });
        out.print(`${ruleId} is ${result.rule.mode} (v${result.rule.currentVersion}${result.changed ? ", a new version" : ", unchanged"}).`, result);
      });
    },
  },
  {
    name: "rules backtest",
    summary: "how a stored rule would have done at past dates, before it goes live",
    usage: "<rule id> --workspace <id> (--as-of <date> | --from <date> --to <date> [--step-days <n>]) [--version <n>]",
    options: { ...workspaceOption, "as-of": { type: "string" }, from: { type: "string" }, to: { type: "string" }, "step-days": { type: "string" }, version: { type: "string" } },
    async run({ values, positionals, out }) {
      const ruleId = positionals[0];
      if (!ruleId) throw new UsageError("give the rule id: rules backtest <rule id> --workspace <id> --from <date> --to <date>");
      const workspaceId = required(values, "workspace");
      const num = (name: string) => (str(values, name) === undefined ? undefined : Number(str(values, name)));
      const input = parse(storedBacktestSchema, {
        asOf: str(values, "as-of"),
        from: str(values, "from"),
        to: str(values, "to"),
        ...(num("step-days") !== undefined ? { stepDays: num("step-days") } : {}),
        ...(num("version") !== undefined ? { version: num("version") } : {}),
      });
      await withRuntime(out, async (rt) => {
        const r = await backtestStoredRule(rt, { workspaceId, ruleId, ...input });
        out.print(JSON.stringify(r, null, 2), r);
      });
    },
  },
  {
    name: "rules show",
    summary: "a rule's current definition and every version with who made it",
    usage: "<rule id> --workspace <id>",
    options: workspaceOption,
    async run({ values, positionals, out }) {
      const ruleId = positionals[0];
      if (!ruleId) throw new UsageError("give the rule id: rules show <rule id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const rule = await getRule(rt, { workspaceId, ruleId });
        out.print(
          [
            `${rule.id}  v${rule.currentVersion}  ${rule.mode}  ${rule.name}`,
            JSON.stringify(rule.definition.conditions, null, 2),
            ...rule.versions.map((v) => `  v${v.version}${v.current ? " (current)" : ""}  ${v.mode}  ${v.action ?? "—"} by ${v.createdBy} at ${v.createdAt}`),
          ].join("\n"),
          rule,
        );
      });
    },
  },
  {
    name: "customers signals",
    summary: "a customer's signals, newest first",
    usage: "<customer id> --workspace <id> [--type <signal type>] [--limit <n>] [--cursor <c>]",
    options: { ...workspaceOption, type: { type: "string" }, limit: { type: "string" }, cursor: { type: "string" } },
    async run({ values, positionals, out }) {
      const customerId = positionals[0];
      if (!customerId) throw new UsageError("give the customer id: customers signals <customer id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      const query = parse(signalTimelineQuerySchema, { type: str(values, "type"), limit: str(values, "limit"), cursor: str(values, "cursor") });
      await withRuntime(out, async (rt) => {
        const page = await listCustomerSignals(rt, { workspaceId, customerId, ...query });
        out.print(
          [
            ...(page.signals.length ? page.signals.map((s) => `${s.occurredAt}  ${s.type.padEnd(22)} ${s.id}`) : ["No signals."]),
            ...(page.nextCursor ? [`More: --cursor ${page.nextCursor}`] : []),
          ].join("\n"),
          page,
        );
      });
    },
  },
  {
    name: "webhooks deliveries",
    summary: "outbound webhook deliveries, newest first, with their attempts",
    usage: "--workspace <id> [--status pending|succeeded|failed] [--endpoint <id>] [--event <type>] [--limit <n>]",
    options: { ...workspaceOption, status: { type: "string" }, endpoint: { type: "string" }, event: { type: "string" }, limit: { type: "string" } },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const query = parse(deliveryListQuerySchema, { status: str(values, "status"), endpointId: str(values, "endpoint"), eventType: str(values, "event"), limit: str(values, "limit") });
      await withRuntime(out, async (rt) => {
        const page = await listDeliveries(rt, { workspaceId, ...query });
        out.print(
          page.deliveries.length
            ? page.deliveries.map((d) => `${d.id}  ${d.eventType.padEnd(28)} ${d.status.padEnd(9)} ${d.attempts} attempts  → ${d.endpointId}`).join("\n")
            : "No deliveries.",
          page,
        );
      });
    },
  },
  {
    name: "webhooks replay",
    summary: "send a delivery again (a failed one, or a succeeded one the receiver lost)",
    usage: "<delivery id> --workspace <id>",
    options: workspaceOption,
    async run({ values, positionals, out }) {
      const deliveryId = positionals[0];
      if (!deliveryId) throw new UsageError("give the delivery id: webhooks replay <delivery id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const d = await replayDelivery(rt, { workspaceId, deliveryId });
        out.print(`Delivery ${d.id} is queued again (${d.status}).`, d);
      });
    },
  },
  {
    name: "customers show",
    summary: "a customer's profile: identities, features, tier and model values",
    usage: "<customer id> --workspace <id>",
    options: workspaceOption,
    async run({ values, positionals, out }) {
      const customerId = positionals[0];
      if (!customerId) throw new UsageError("give the customer id: customers show <customer id> --workspace <id>");
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const c = await getCustomerProfile(rt.database, workspaceId, customerId, rt.clock());
        const f = c.features;
        out.print(
          [
            `Customer ${c.id}${c.name ? ` (${c.name})` : ""}; manager ${c.managerId ?? "—"}; tier ${c.tier?.tier ?? "—"}`,
            `Identities: ${c.identities.map((i) => `${i.kind}:${i.value}`).join(", ") || "—"}`,
            // The profile spreads the features row, so its fields read as optional; asOf is there when features are.
            f?.asOf
              ? `Features as of ${f.asOf.toISOString()}${c.featuresStale ? " (stale: newer signals are being processed)" : ""}: ${f.orders30d} orders and ${money(f.spend30d ?? null)} spent in 30 days, ${money(f.competitorSpend30d ?? null)} at competitors`
              : "No features yet: they are computed shortly after the first signal.",
          ].join("\n"),
          c,
        );
      });
    },
  },
  {
    name: "managers list",
    summary: "account managers with their open task counts",
    usage: "--workspace <id>",
    options: workspaceOption,
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      await withRuntime(out, async (rt) => {
        const managers = await listManagers(rt, { workspaceId });
        out.print(
          managers.length
            ? managers.map((m) => `${m.id}  ${m.name} <${m.email}>  ${m.timezone}  ${m.locale ?? "workspace language"}  ${m.openTasks} open tasks${m.active ? "" : "  (inactive)"}`).join("\n")
            : "No managers.",
          { managers },
        );
      });
    },
  },
  {
    name: "managers create",
    summary: "add an account manager (id: the CRM's manager id, as customers' managerId names it)",
    usage: "--workspace <id> --name <name> --email <email> [--id <id>] [--timezone <IANA zone>] [--locale ko|en] [--capacity <n>]",
    options: { ...workspaceOption, id: { type: "string" }, name: { type: "string" }, email: { type: "string" }, timezone: { type: "string" }, locale: { type: "string" }, capacity: { type: "string" } },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const capacity = str(values, "capacity");
      const manager = parse(managerCreateSchema, {
        id: str(values, "id"),
        name: str(values, "name"),
        email: str(values, "email"),
        timezone: str(values, "timezone"),
        locale: str(values, "locale"),
        ...(capacity ? { capacity: Number(capacity) } : {}),
      });
      await withRuntime(out, async (rt) => {
        const m = await createManager(rt, { workspaceId, manager });
        out.print(`Manager ${m.id} (${m.name}) added; digests ${m.digest.frequency} at ${m.digest.hour}:00 ${m.timezone}.`, m);
      });
    },
  },
  {
    name: "tasks list",
    summary: "open and in-progress tasks, most value at risk first (or by --status)",
    usage: "--workspace <id> [--manager <id>] [--customer <id>] [--status <s>] [--overdue true|false] [--limit <n>]",
    options: { ...workspaceOption, manager: { type: "string" }, customer: { type: "string" }, status: { type: "string" }, overdue: { type: "string" }, limit: { type: "string" } },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const query = parse(taskListQuerySchema, {
        managerId: str(values, "manager"),
        customerId: str(values, "customer"),
        status: str(values, "status"),
        overdue: str(values, "overdue"),
        limit: str(values, "limit") ?? "50",
      });
      await withRuntime(out, async (rt) => {
        const tasks = await listTasks(rt, { workspaceId, ...query });
        out.print(
          tasks.length
            ? tasks.map((t) => `${t.id}  ${t.status.padEnd(11)} ${t.overdue ? "OVERDUE " : ""}${t.customerId}  ${t.managerId ?? "—"}  due ${t.dueAt}  value at risk ${money(t.valueAtRisk)}\n  ${t.play}`).join("\n")
            : "No tasks.",
          { tasks },
        );
      });
    },
  },
  digestCommand("preview", "what a manager's next digest would say now, in their timezone and language", async (rt, scope) => {
    const p = await previewDigest(rt, scope);
    const state = p.sent ? `already sent for ${p.period}` : p.wouldSend ? "the scheduled run would send this" : "the scheduled run would send nothing now";
    return [`${p.text}\n\n(${state})`, p];
  }),
  digestCommand("send", "send a manager's digest now (once per period)", async (rt, scope) => {
    const r = await sendDigestNow(rt, scope);
    return [`${r.result === "created" ? "Sent" : "Already sent"}: digest ${r.digest.id} for ${r.digest.period}.`, r];
  }),
];

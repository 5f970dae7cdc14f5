// Rule studio: a visual condition builder kept in sync with the JSON, trying the draft on a
// customer (dry run), backtesting it over history, saving as shadow and going live, versions.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, can, type FieldError } from "../api.ts";
import { Chart } from "../chart.tsx";
import { factLabel, fmt, t, tv } from "../i18n.ts";
import type { PageProps } from "../main.tsx";
import { navigate } from "../router.ts";
import { Badge, Card, ErrorBox, Field, fieldError, Loading, useApi } from "../ui.tsx";

type Leaf = { fact: string; operator: string; value: unknown };
type Node = { all: Node[] } | { any: Node[] } | { not: Node } | Leaf;
type Fact = { name: string; label: string; labels?: { en?: string; ko?: string }; type: string; unit?: string; operators: string[]; values?: string[]; description?: string };

const tiers = ["Bronze", "Silver", "Gold", "Platinum", "Diamond"];
const blank = () => ({
  id: "",
  name: "",
  description: "",
  tiers: ["Gold", "Platinum", "Diamond"],
  points: 30,
  severity: "high",
  cooldownDays: 30,
  actions: { task: false } as { task?: boolean; campaign?: string },
  mode: "shadow",
  conditions: { all: [{ fact: "competitorApps30d", operator: "greaterThanInclusive", value: 2 }] } as Node,
});
type Draft = ReturnType<typeof blank>;

export default function RulePage({ params, session }: PageProps) {
  const isNew = params.ruleId === "new";
  const facts = useApi<{ facts: Fact[] }>("/v1/rules/facts");
  const stored = useApi(isNew ? null : `/v1/rules/${encodeURIComponent(params.ruleId!)}`);
  const [draft, setDraft] = useState<Draft | null>(isNew ? blank() : null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const editable = can.editRules(session.role);
  useEffect(() => {
    if (stored.data) setDraft({ id: stored.data.id, description: "", actions: {}, ...stored.data.definition });
  }, [stored.data]);
  if (stored.error) return <ErrorBox error={stored.error} retry={stored.reload} />;
  if (!draft || !facts.data) return <Loading />;
  const factList = facts.data.facts;
  const definition = () => {
    const { id: _id, ...d } = draft;
    return { ...d, description: d.description ?? "", actions: d.actions.campaign ? d.actions : { task: d.actions.task ?? false } };
  };
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  async function save(mode?: string) {
    setBusy(true);
    setErrors([]);
    setMessage("");
    try {
      if (isNew) {
        const body = { ...definition(), mode: mode ?? "shadow", ...(draft!.id ? { id: draft!.id } : {}) };
        const created = await api("/v1/rules", { body });
        navigate(`/console/rules/${encodeURIComponent(created.id)}`, true);
      } else {
        await api(`/v1/rules/${encodeURIComponent(draft!.id)}`, { method: "PUT", body: definition() });
        setMessage(t("saved"));
        stored.reload();
      }
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.errors.length ? e.errors : [{ path: "(root)", message: e.message }]);
      else throw e;
    } finally {
      setBusy(false);
    }
  }
  async function setMode(mode: string) {
    setBusy(true);
    try {
      await api(`/v1/rules/${encodeURIComponent(draft!.id)}`, { method: "PATCH", body: { mode } });
      setMessage(t("saved"));
      stored.reload();
    } catch (e) {
      setErrors((e as ApiError).errors ?? [{ path: "(root)", message: String(e) }]);
    } finally {
      setBusy(false);
    }
  }
  const err = (p: string) => fieldError(errors, p);
  return (
    <>
      <div class="page-head">
        <h1>{t("editor.title")}: {draft.name || t("rules.new")}</h1>
        {!isNew && <Badge kind="mode" prefix="mode" value={stored.data?.definition.mode} />}
        {!isNew && <span class="pill">v{stored.data?.currentVersion}</span>}
      </div>
      {!editable && <p class="muted">{t("rules.readOnly")}</p>}
      {errors.length > 0 && <div class="error" role="alert">{t("editor.errors")} {errors.filter((e) => e.path === "(root)").map((e) => e.message).join(" ")}</div>}
      {message && <p class="ok" role="status">{message}</p>}
      <fieldset disabled={!editable} class="plain-fieldset">
        <legend class="sr-only">{t("editor.title")}</legend>
        <div class="form-grid">
          <Field label={t("editor.name")} error={err("name")}><input value={draft.name} onInput={(e) => set("name", (e.target as HTMLInputElement).value)} /></Field>
          {isNew && <Field label={t("editor.id")} error={err("id")} hint="vip-competitor-spend"><input value={draft.id} onInput={(e) => set("id", (e.target as HTMLInputElement).value)} /></Field>}
          <Field label={t("editor.points")} error={err("points")}><input type="number" min={0} max={100} value={draft.points} onInput={(e) => set("points", Number((e.target as HTMLInputElement).value))} /></Field>
          <Field label={t("editor.severity")} error={err("severity")}>
            <select value={draft.severity} onChange={(e) => set("severity", (e.target as HTMLSelectElement).value)}>{["low", "medium", "high", "critical"].map((s) => <option key={s} value={s}>{t(`sev.${s}` as any)}</option>)}</select>
          </Field>
          <Field label={t("editor.cooldown")} error={err("cooldownDays")}><input type="number" min={0} max={365} value={draft.cooldownDays} onInput={(e) => set("cooldownDays", Number((e.target as HTMLInputElement).value))} /></Field>
          <Field label={t("editor.campaign")} error={err("actions.campaign")}><input value={draft.actions.campaign ?? ""} onInput={(e) => set("actions", { ...draft.actions, campaign: (e.target as HTMLInputElement).value || undefined })} /></Field>
          <label class="check"><input type="checkbox" checked={!!draft.actions.task} onChange={(e) => set("actions", { ...draft.actions, task: (e.target as HTMLInputElement).checked })} /> {t("editor.task")}</label>
        </div>
        <Field label={t("editor.description")} error={err("description")}><textarea rows={2} value={draft.description} onInput={(e) => set("description", (e.target as HTMLTextAreaElement).value)} /></Field>
        <fieldset class="tiers">
          <legend>{t("editor.tiers")}</legend>
          {tiers.map((tier) => (
            <label key={tier} class="check"><input type="checkbox" checked={draft.tiers.includes(tier)} onChange={(e) => set("tiers", (e.target as HTMLInputElement).checked ? tiers.filter((x) => x === tier || draft.tiers.includes(x)) : draft.tiers.filter((x) => x !== tier))} /> {tier}</label>
          ))}
          {err("tiers") && <span class="field-error" role="alert">{err("tiers")}</span>}
        </fieldset>
        <ConditionsEditor value={draft.conditions} facts={factList} errors={errors} onChange={(c) => set("conditions", c)} />
      </fieldset>
      {editable && (
        <div class="actions sticky">
          <button class="primary" type="button" disabled={busy} onClick={() => save()}>{isNew ? t("editor.saveShadow") : t("editor.saveVersion")}</button>
          {!isNew && stored.data?.definition.mode !== "live" && <button type="button" disabled={busy} onClick={() => setMode("live")}>{t("editor.goLive")}</button>}
          {!isNew && stored.data?.definition.mode !== "shadow" && <button type="button" disabled={busy} onClick={() => setMode("shadow")}>{t("editor.toShadow")}</button>}
          {!isNew && stored.data?.definition.mode !== "off" && <button type="button" disabled={busy} onClick={() => setMode("off")}>{t("editor.switchOff")}</button>}
        </div>
      )}
      {editable && <TryPanel rule={definition()} facts={factList} />}
      {editable && <BacktestPanel rule={definition()} />}
      {!isNew && stored.data && <Versions ruleId={draft.id} current={stored.data.currentVersion} editable={editable} onRolledBack={stored.reload} />}
    </>
  );
}

/** The builder and the JSON view, in sync both ways. */
function ConditionsEditor({ value, facts, errors, onChange }: { value: Node; facts: Fact[]; errors: FieldError[]; onChange: (n: Node) => void }) {
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [jsonError, setJsonError] = useState("");
  useEffect(() => {
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(value)) return;
    } catch { /* the text is being edited */ }
    if (!jsonError) setText(JSON.stringify(value, null, 2));
  }, [value]);
  const errs = errors.map((e) => ({ ...e, path: e.path.replace(/^rule\./, "") }));
  return (
    <div class="split conditions">
      <div>
        <h2>{t("editor.conditions")}</h2>
        <CondNode node={value} path="conditions" facts={facts} errors={errs} onChange={onChange} root />
      </div>
      <div>
        <Field label={t("editor.json")} error={jsonError || undefined}>
          <textarea class="code" rows={18} spellcheck={false} value={text} onInput={(e) => {
            const v = (e.target as HTMLTextAreaElement).value;
            setText(v);
            try {
              onChange(JSON.parse(v));
              setJsonError("");
            } catch (err) {
              setJsonError(t("editor.jsonInvalid", { m: (err as Error).message }));
            }
          }} />
        </Field>
      </div>
    </div>
  );
}

function CondNode({ node, path, facts, errors, onChange, onRemove, root }: { node: Node; path: string; facts: Fact[]; errors: FieldError[]; onChange: (n: Node) => void; onRemove?: () => void; root?: boolean }) {
  if ("not" in node) {
    return (
      <div class="group not">
        <div class="group-head"><strong>{t("editor.not")}</strong>{onRemove && <button type="button" class="link" onClick={onRemove}>{t("editor.remove")}</button>}</div>
        <CondNode node={node.not} path={`${path}.not`} facts={facts} errors={errors} onChange={(n) => onChange({ not: n })} onRemove={() => onChange(node.not)} />
      </div>
    );
  }
  if ("all" in node || "any" in node) {
    const kind = "all" in node ? "all" : "any";
    const children: Node[] = (node as any)[kind];
    const replace = (list: Node[]) => onChange({ [kind]: list } as Node);
    const err = fieldError(errors, path) && errors.find((e) => e.path === path || e.path === `${path}.${kind}`)?.message;
    return (
      <div class={`group ${kind}`} role="group" aria-label={t(kind === "all" ? "editor.all" : "editor.any")}>
        <div class="group-head">
          <select aria-label={t("editor.conditions")} value={kind} onChange={(e) => onChange({ [(e.target as HTMLSelectElement).value]: children } as Node)}>
            <option value="all">{t("editor.all")}</option>
            <option value="any">{t("editor.any")}</option>
          </select>
          {!root && <button type="button" class="link" onClick={() => onChange({ not: node })}>{t("editor.negate")}</button>}
          {onRemove && <button type="button" class="link" onClick={onRemove}>{t("editor.remove")}</button>}
        </div>
        {err && <span class="field-error" role="alert">{err}</span>}
        {children.map((c, i) => (
          <CondNode key={i} node={c} path={`${path}.${kind}[${i}]`} facts={facts} errors={errors}
            onChange={(n) => replace(children.map((x, j) => (j === i ? n : x)))} onRemove={() => replace(children.filter((_, j) => j !== i))} />
        ))}
        <div class="group-add">
          <button type="button" onClick={() => replace([...children, { fact: "competitorSpend30d", operator: "greaterThanInclusive", value: 100000 }])}>+ {t("editor.addCondition")}</button>
          <button type="button" onClick={() => replace([...children, { any: [{ fact: "tier", operator: "equal", value: "Gold" }] }])}>+ {t("editor.addGroup")}</button>
        </div>
      </div>
    );
  }
  return <LeafEditor leaf={node} path={path} facts={facts} errors={errors} onChange={onChange} onRemove={onRemove} />;
}

function LeafEditor({ leaf, path, facts, errors, onChange, onRemove }: { leaf: Leaf; path: string; facts: Fact[]; errors: FieldError[]; onChange: (n: Node) => void; onRemove?: () => void }) {
  const fact = facts.find((f) => f.name === leaf.fact);
  const ops = fact?.operators ?? [];
  const e = (k: string) => errors.find((x) => x.path === `${path}.${k}` || x.path.startsWith(`${path}.${k}[`))?.message;
  const leafErr = errors.find((x) => x.path === path)?.message;
  const changeFact = (name: string) => {
    if (name === leaf.fact) return;
    const f = facts.find((x) => x.name === name)!;
    const operator = f.operators.includes(leaf.operator) ? leaf.operator : f.operators[0]!;
    onChange({ fact: name, operator, value: defaultValue(f, operator) });
  };
  return (
    <div class={`leaf${leafErr || e("fact") || e("operator") || e("value") ? " invalid" : ""}`}>
      <Field label={t("editor.fact")} error={e("fact")}>
        <select value={leaf.fact} onChange={(ev) => changeFact((ev.target as HTMLSelectElement).value)}>
          {!fact && <option value={leaf.fact}>{leaf.fact}</option>}
          {facts.map((f) => <option key={f.name} value={f.name}>{factLabel(f)}{f.unit === "currency" ? " (₩)" : ""}</option>)}
        </select>
      </Field>
      <Field label={t("editor.operator")} error={e("operator")}>
        <select value={leaf.operator} onChange={(ev) => { const op = (ev.target as HTMLSelectElement).value; onChange({ ...leaf, operator: op, value: fact ? defaultValue(fact, op, leaf.value) : leaf.value }); }}>
          {!ops.includes(leaf.operator) && <option value={leaf.operator}>{leaf.operator}</option>}
          {ops.map((o) => <option key={o} value={o}>{opLabel(o)}</option>)}
        </select>
      </Field>
      <ValueInput fact={fact} operator={leaf.operator} value={leaf.value} error={e("value") ?? leafErr} onChange={(value) => onChange({ ...leaf, value })} />
      {onRemove && <button type="button" class="link remove" onClick={onRemove} aria-label={`${t("editor.remove")} ${fact ? factLabel(fact) : leaf.fact}`}>×</button>}
    </div>
  );
}

const symbols: Record<string, string> = { equal: "=", notEqual: "≠", lessThan: "<", lessThanInclusive: "≤", greaterThan: ">", greaterThanInclusive: "≥" };
/** Comparisons as symbols; the worded operators in the viewer's language. */
const opLabel = (o: string) => symbols[o] ?? tv("op", o);

function defaultValue(f: Fact, op: string, old?: unknown): unknown {
  if (op === "between") return [0, 100];
  if (op === "in" || op === "notIn") return f.type === "tier" ? ["Gold"] : [];
  if (op === "decreasedByAtLeast" || op === "increasedByAtLeast") return 0.5;
  if (f.type === "tier") return typeof old === "string" && tiers.includes(old) ? old : "Gold";
  if (f.type === "boolean") return true;
  if (f.type === "timestamp") return new Date().toISOString();
  if (f.type === "string" || f.type === "string[]") return typeof old === "string" ? old : "";
  return typeof old === "number" ? old : 0;
}

function ValueInput({ fact, operator, value, error, onChange }: { fact: Fact | undefined; operator: string; value: unknown; error?: string | undefined; onChange: (v: unknown) => void }) {
  const numeric = fact && (fact.type === "number" || fact.type === "integer");
  const num = (v: string) => (v === "" ? null : Number(v));
  if (operator === "between") {
    const [a, b] = Array.isArray(value) ? value : [0, 0];
    return (
      <Field label={t("editor.value")} error={error}>
        <span class="inline">
          <input type="number" aria-label={t("editor.valueLow")} value={a} onInput={(e) => onChange([num((e.target as HTMLInputElement).value), b])} />
          {t("editor.valueTo")}
          <input type="number" aria-label={t("editor.valueHigh")} value={b} onInput={(e) => onChange([a, num((e.target as HTMLInputElement).value)])} />
        </span>
      </Field>
    );
  }
  if (operator === "in" || operator === "notIn") {
    return (
      <Field label={t("editor.value")} error={error} hint="a, b, c">
        <input value={Array.isArray(value) ? value.join(", ") : ""} onInput={(e) => onChange((e.target as HTMLInputElement).value.split(",").map((s) => s.trim()).filter(Boolean).map((s) => (numeric ? Number(s) : s)))} />
      </Field>
    );
  }
  if (operator === "decreasedByAtLeast" || operator === "increasedByAtLeast") {
    return (
      <Field label={`${t("editor.value")} (%)`} error={error}>
        <input type="number" min={0} step={5} value={typeof value === "number" ? Math.round(value * 100) : ""} onInput={(e) => onChange(Number((e.target as HTMLInputElement).value) / 100)} />
      </Field>
    );
  }
  if (fact?.type === "tier") {
    return (
      <Field label={t("editor.value")} error={error}>
        <select value={String(value)} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>{(fact.values ?? tiers).map((x) => <option key={x} value={x}>{x}</option>)}</select>
      </Field>
    );
  }
  if (fact?.type === "boolean") {
    return (
      <Field label={t("editor.value")} error={error}>
        <select value={String(value)} onChange={(e) => onChange((e.target as HTMLSelectElement).value === "true")}><option value="true">{t("yes")}</option><option value="false">{t("no")}</option></select>
      </Field>
    );
  }
  if (fact?.type === "timestamp") {
    return (
      <Field label={t("editor.value")} error={error}>
        <input type="date" value={typeof value === "string" ? value.slice(0, 10) : ""} onInput={(e) => onChange(new Date((e.target as HTMLInputElement).value + "T00:00:00Z").toISOString())} />
      </Field>
    );
  }
  if (numeric) {
    return (
      <Field label={`${t("editor.value")}${fact?.unit === "currency" ? " (₩)" : fact?.unit && fact.unit !== "count" ? ` (${fact.unit})` : ""}`} error={error}>
        <input type="number" step="any" value={typeof value === "number" ? value : ""} onInput={(e) => onChange(num((e.target as HTMLInputElement).value))} />
      </Field>
    );
  }
  return (
    <Field label={t("editor.value")} error={error}>
      <input value={String(value ?? "")} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
    </Field>
  );
}

function TryPanel({ rule, facts }: { rule: unknown; facts: Fact[] }) {
  const [customerId, setCustomerId] = useState("");
  const [result, setResult] = useState<any>(null);
  const [error, setError] = useState<unknown>();
  async function run(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      setResult(await api("/v1/rules/dry-run", { body: { rule, customerId } }));
    } catch (err) {
      setError(err);
      setResult(null);
    }
  }
  return (
    <Card title={t("editor.try")}>
      <form class="inline" onSubmit={run}>
        <Field label={t("editor.tryCustomer")}><input value={customerId} required onInput={(e) => setCustomerId((e.target as HTMLInputElement).value)} /></Field>
        <button type="submit">{t("editor.tryRun")}</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {result && (
        <div class="trace-result">
          <p class={result.matched ? "ok" : "muted"} role="status"><strong>{result.matched ? t("editor.matched") : t("editor.notMatched")}</strong> · <a href={`/console/customers/${encodeURIComponent(result.customerId)}`}>{result.customerId}</a> · {result.tier ?? "—"}</p>
          <ul class="trace"><Trace node={result.trace} facts={facts} /></ul>
          {result.sentences?.length > 0 && <ul>{result.sentences.map((s: string, i: number) => <li key={i}>{s}</li>)}</ul>}
        </div>
      )}
    </Card>
  );
}

function Trace({ node, facts }: { node: any; facts: Fact[] }) {
  if (node.kind === "leaf") {
    const f = facts.find((x) => x.name === node.fact);
    const show = (v: unknown) => (typeof v === "number" ? (f?.unit === "currency" ? fmt.money(v) : fmt.num(v, 2)) : Array.isArray(v) ? v.join(", ") : String(v));
    return (
      <li class={node.result ? "pass" : "fail"}>
        <span aria-label={node.result ? t("editor.true") : t("editor.false")}>{node.result ? "✓" : "✗"}</span> {f ? factLabel(f) : node.fact} {opLabel(node.operator)} <strong>{show(node.value)}</strong>
        <span class="muted"> · {t("editor.actual")}: {node.factValue === null || node.factValue === undefined ? "—" : show(node.factValue)}{node.baseline ? ` (${t("col.baseline")} ${show(node.baseline.value)})` : ""}</span>
      </li>
    );
  }
  return (
    <li class={node.result ? "pass" : "fail"}>
      <span>{node.result ? "✓" : "✗"}</span> <strong>{node.kind}</strong>
      <ul class="trace">{(node.children ?? (node.child ? [node.child] : [])).map((c: any, i: number) => <Trace key={i} node={c} facts={facts} />)}</ul>
    </li>
  );
}

function BacktestPanel({ rule }: { rule: unknown }) {
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(new Date(Date.now() - 91 * 86_400_000).toISOString().slice(0, 10));
  const [to, setTo] = useState(today);
  const [step, setStep] = useState(7);
  const [result, setResult] = useState<any>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [pick, setPick] = useState<number | null>(null);
  async function run(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api("/v1/rules/backtest", { body: { rule, from: new Date(from + "T00:00:00Z").toISOString(), to: to === today ? new Date().toISOString() : new Date(to + "T23:59:59Z").toISOString(), stepDays: step, limit: 50 } }));
      setPick(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const dates: any[] = result?.dates ?? [];
  const chosen = pick != null ? dates[pick] : dates.at(-1);
  return (
    <Card title={t("editor.backtest")}>
      <form class="inline" onSubmit={run}>
        <Field label={t("editor.btFrom")}><input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} /></Field>
        <Field label={t("editor.btTo")}><input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></Field>
        <Field label={t("editor.btStep")}><input type="number" min={1} max={365} value={step} onInput={(e) => setStep(Number((e.target as HTMLInputElement).value))} /></Field>
        <button type="submit" disabled={busy}>{t("editor.btRun")}</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {dates.length > 0 && (
        <div class="backtest">
          <Chart label={t("editor.backtest")} x={dates.map((d) => Date.parse(d.asOf) / 1000)} onSelect={setPick} series={[
            { label: t("editor.flagged"), values: dates.map((d) => d.flagged), color: "#2563eb", bars: true },
            { label: t("col.precision"), values: dates.map((d) => d.precision), color: "#16a34a", scale: "ratio" },
            { label: t("editor.lift"), values: dates.map((d) => d.lift), color: "#ea580c", scale: "ratio" },
          ]} />
          <table class="compact">
            <thead><tr><th scope="col">{t("col.when")}</th><th scope="col" class="num">{t("editor.flagged")}</th><th scope="col" class="num">{t("col.precision")}</th><th scope="col" class="num">{t("editor.lift")}</th></tr></thead>
            <tbody>{dates.map((d, i) => <tr key={d.asOf} class={d === chosen ? "focused" : ""}><td><button type="button" class="link" onClick={() => setPick(i)}>{fmt.date(d.asOf)}</button></td><td class="num">{d.flagged}</td><td class="num">{fmt.pct(d.precision)}</td><td class="num">{fmt.num(d.lift, 2)}</td></tr>)}</tbody>
          </table>
          {chosen && (
            <>
              <h3>{t("editor.flaggedCustomers", { d: fmt.date(chosen.asOf) })}</h3>
              <ul class="tags">{chosen.flaggedCustomers.map((c: any) => { const id = typeof c === "string" ? c : c.customerId ?? c.id; return <li key={id}><a href={`/console/customers/${encodeURIComponent(id)}`}>{id}</a>{c.wentQuiet ? " ⚑" : ""}</li>; })}</ul>
            </>
          )}
        </div>
      )}
    </Card>
  );
}

function Versions({ ruleId, current, editable, onRolledBack }: { ruleId: string; current: number; editable: boolean; onRolledBack: () => void }) {
  const [versions, setVersions] = useState<any[]>([]);
  const [a, setA] = useState(Math.max(1, current - 1));
  const [b, setB] = useState(current);
  const perf = useApi(`/v1/rules/${encodeURIComponent(ruleId)}/performance`);
  useEffect(() => {
    Promise.all(Array.from({ length: current }, (_, i) => api(`/v1/rules/${encodeURIComponent(ruleId)}/versions/${i + 1}`))).then(setVersions, () => {});
    setA(Math.max(1, current - 1));
    setB(current);
  }, [ruleId, current]);
  const diff = useMemo(() => {
    const va = versions[a - 1], vb = versions[b - 1];
    if (!va || !vb) return [];
    return lineDiff(JSON.stringify(va.definition, null, 2).split("\n"), JSON.stringify(vb.definition, null, 2).split("\n"));
  }, [versions, a, b]);
  async function rollback(version: number) {
    await api(`/v1/rules/${encodeURIComponent(ruleId)}/rollback`, { body: { version } });
    onRolledBack();
  }
  const perfOf = (v: number) => perf.data?.versions?.find((x: any) => x.version === v);
  return (
    <Card title={t("editor.versions")}>
      <table>
        <thead><tr><th scope="col">{t("col.version")}</th><th scope="col">{t("col.when")}</th><th scope="col">{t("col.mode")}</th><th scope="col" class="num">{t("col.alerts")}</th><th scope="col" class="num">{t("col.precision")}</th><th scope="col" class="num">{t("col.saveRate")}</th>{editable && <th scope="col">{t("col.actions")}</th>}</tr></thead>
        <tbody>
          {versions.map((v: any, i) => {
            const p = perfOf(i + 1);
            return (
              <tr key={i}>
                <td>v{i + 1}{i + 1 === current ? " ●" : ""}</td>
                <td>{fmt.dateTime(v.createdAt)}</td>
                <td><Badge kind="mode" prefix="mode" value={v.definition?.mode} /></td>
                <td class="num">{p?.alerts ?? 0}</td>
                <td class="num">{fmt.pct(p?.precisionByLabel ?? p?.precisionByBehaviour)}</td>
                <td class="num">{fmt.pct(p?.saveRate)}</td>
                {editable && <td>{i + 1 !== current && <button type="button" onClick={() => rollback(i + 1)}>{t("editor.rollback")} (v{i + 1})</button>}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {current > 1 && (
        <>
          <div class="inline">
            <Field label={`${t("editor.diff")} A`}><select value={a} onChange={(e) => setA(Number((e.target as HTMLSelectElement).value))}>{versions.map((_, i) => <option key={i} value={i + 1}>v{i + 1}</option>)}</select></Field>
            <Field label={`${t("editor.diff")} B`}><select value={b} onChange={(e) => setB(Number((e.target as HTMLSelectElement).value))}>{versions.map((_, i) => <option key={i} value={i + 1}>v{i + 1}</option>)}</select></Field>
          </div>
          <pre class="diff" aria-label={t("editor.diff")}>{diff.map(([k, line], i) => <div key={i} class={k === "+" ? "add" : k === "-" ? "del" : ""}>{k} {line}</div>)}</pre>
        </>
      )}
    </Card>
  );
}

/** Line diff by longest common subsequence (rule definitions are a few dozen lines). */
function lineDiff(a: string[], b: string[]): ["+" | "-" | " ", string][] {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: ["+" | "-" | " ", string][] = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) out.push([" ", a[i++]!]), j++;
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(["-", a[i++]!]);
    else out.push(["+", b[j++]!]);
  }
  while (i < n) out.push(["-", a[i++]!]);
  while (j < m) out.push(["+", b[j++]!]);
  return out;
}

// Shared pieces: loading data, states, badges, fields.
import { cloneElement, type ComponentChildren, type VNode } from "preact";
import { useCallback, useEffect, useId, useState } from "preact/hooks";
import { api, ApiError, type FieldError } from "./api.ts";
import { t, tv } from "./i18n.ts";

/** Loads once per key; `reload` fetches again. */
export function useApi<T = any>(path: string | null): { data: T | undefined; error: ApiError | undefined; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return setState({ loading: false });
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => void (live = false);
  }, [path, n]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function Loading() {
  return <p class="muted" role="status">{t("loading")}</p>;
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const e = error as ApiError;
  return (
    <div class="error" role="alert">
      <strong>{t("error")}</strong>: {e?.message ?? String(error)}
      {e?.errors?.length ? <ul>{e.errors.map((f) => <li key={f.path}><code>{f.path}</code>: {f.message}</li>)}</ul> : null}
      {retry && <button type="button" onClick={retry}>{t("retry")}</button>}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Card({ title, children, actions, id }: { title?: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={title ? id ?? slug(title) : undefined}>
      {title && (
        <header class="card-head">
          <h2 id={id ?? slug(title)}>{title}</h2>
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}
const slug = (s: string) => "h-" + s.toLowerCase().replace(/[^a-z0-9가-힣]+/g, "-");

export const Badge = ({ kind, value, prefix }: { kind: string; value: string | null | undefined; prefix: string }) =>
  value ? <span class={`badge ${kind}-${value}`}>{tv(prefix, value)}</span> : <span class="muted">—</span>;

export const TierBadge = ({ tier }: { tier: string | null | undefined }) => (tier ? <span class={`tier tier-${tier}`}>{tier}</span> : <span class="muted">—</span>);

/** The message of the field error at `path` (or under it), shown beside the field. */
export const fieldError = (errors: FieldError[], path: string) => errors.find((e) => e.path === path || e.path.startsWith(path + "."))?.message;

/** A labelled control: the label names only the control (not its options), the error and hint describe it. */
export function Field({ label, error, children, hint }: { label: string; error?: string | undefined; children: VNode<any>; hint?: string }) {
  const id = useId();
  const described = [error ? `${id}-e` : "", hint ? `${id}-h` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label class="field-label" for={id}>{label}</label>
      {cloneElement(children, { id, "aria-describedby": described, "aria-invalid": error ? "true" : undefined })}
      {hint && <span class="hint" id={`${id}-h`}>{hint}</span>}
      {error && <span class="field-error" id={`${id}-e`} role="alert">{error}</span>}
    </div>
  );
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  useEffect(() => {
    const k = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    addEventListener("keydown", k);
    (document.querySelector(".dialog button") as HTMLElement | null)?.focus();
    return () => removeEventListener("keydown", k);
  }, []);
  return (
    <div class="backdrop" onClick={onClose}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" onClick={(e) => e.stopPropagation()}>
        <header class="card-head">
          <h2 id="dialog-title">{title}</h2>
          <button type="button" onClick={onClose}>{t("close")}</button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** The reason worth most points, as its rule's name and what it found. */
export function topReason(reasons: any[] | undefined): string {
  const top = [...(reasons ?? [])].sort((a, b) => b.points - a.points)[0];
  return top ? `${top.name}: ${top.sentences.join(" · ")}` : "—";
}

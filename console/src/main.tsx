// The console shell: session, language, navigation and the pages, each loaded on demand.
import { render, type ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, setCsrf, setUnauthorizedHandler, type Session } from "./api.ts";
import { getLang, initialLang, setCurrency, setLang, t, tv, type Lang } from "./i18n.ts";
import { BASE, navigate, useLocation } from "./router.ts";
import { ErrorBox, Loading } from "./ui.tsx";

export type PageProps = { session: Session; params: Record<string, string>; query: URLSearchParams; workspace: any };
type Loader = () => Promise<{ default: ComponentType<PageProps> }>;

// Each page is its own chunk: a page ships only what it uses (uPlot only where there is a chart).
const routes: [RegExp, Loader, string][] = [
  [/^\/console$/, () => import("./pages/overview.tsx"), "overview"],
  [/^\/console\/alerts$/, () => import("./pages/alerts.tsx"), "alerts"],
  [/^\/console\/alerts\/(?<alertId>[^/]+)$/, () => import("./pages/alert.tsx"), "alerts"],
  [/^\/console\/customers$/, () => import("./pages/customers.tsx"), "customers"],
  [/^\/console\/customers\/(?<customerId>[^/]+)$/, () => import("./pages/customer.tsx"), "customers"],
  [/^\/console\/rules$/, () => import("./pages/rules.tsx"), "rules"],
  [/^\/console\/rules\/(?<ruleId>[^/]+)$/, () => import("./pages/rule.tsx"), "rules"],
  [/^\/console\/campaigns$/, () => import("./pages/campaigns.tsx"), "campaigns"],
  [/^\/console\/campaigns\/(?<campaignId>[^/]+)$/, () => import("./pages/campaign.tsx"), "campaigns"],
  [/^\/console\/tasks$/, () => import("./pages/tasks.tsx"), "tasks"],
  [/^\/console\/settings$/, () => import("./pages/settings.tsx"), "settings"],
];
const nav = ["overview", "alerts", "customers", "rules", "campaigns", "tasks", "settings"] as const;

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [workspace, setWorkspace] = useState<any>(null);
  const [, setLangState] = useState<Lang>(getLang());
  useEffect(() => {
    setUnauthorizedHandler(() => setSession(null));
    api<Session>("/v1/sessions/current").then(start, () => {
      changeLang(initialLang(), false);
      setSession(null);
    });
  }, []);
  async function start(s: Session) {
    setCsrf(s.csrfToken);
    const ws = await api("/v1/workspace").catch(() => null);
    setCurrency(ws?.settings?.currency ?? "KRW");
    changeLang(initialLang(ws?.settings?.locale), false);
    setWorkspace(ws);
    setSession(s);
  }
  function changeLang(l: Lang, remember = true) {
    if (remember) localStorage.setItem("rw.lang", l);
    setLang(l);
    setLangState(l);
  }
  if (session === undefined) return <main class="center"><Loading /></main>;
  if (session === null) return <SignIn onSignedIn={start} lang={getLang()} onLang={changeLang} />;
  return <Shell session={session} workspace={workspace} onLang={changeLang} onSignOut={() => setSession(null)} />;
}

function LangSwitch({ onLang }: { onLang: (l: Lang) => void }) {
  return (
    <label class="lang">
      <span class="sr-only">{t("lang.label")}</span>
      <select value={getLang()} onChange={(e) => onLang((e.target as HTMLSelectElement).value as Lang)} aria-label={t("lang.label")}>
        <option value="ko">한국어</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

function SignIn({ onSignedIn, onLang }: { onSignedIn: (s: Session) => void; lang: Lang; onLang: (l: Lang) => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem("apiKey") as HTMLInputElement;
    setBusy(true);
    setError("");
    try {
      const s = await api<Session>("/v1/sessions", { body: { apiKey: input.value } });
      input.value = ""; // the key leaves the page as soon as it has been exchanged
      await onSignedIn(s);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t("signin.failed") : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="signin">
      <form class="card" onSubmit={submit}>
        <div class="brand-row"><span class="logo" aria-hidden="true">◆</span><h1>{t("signin.title")}</h1><LangSwitch onLang={onLang} /></div>
        <p class="muted">{t("signin.help")}</p>
        <label class="field">
          <span class="field-label">{t("signin.key")}</span>
          <input name="apiKey" type="password" autocomplete="off" required placeholder="rw_live_…" />
        </label>
        {error && <p class="field-error" role="alert">{error}</p>}
        <button class="primary" type="submit" disabled={busy}>{t("signin.submit")}</button>
      </form>
    </main>
  );
}

function Shell({ session, workspace, onLang, onSignOut }: { session: Session; workspace: any; onLang: (l: Lang) => void; onSignOut: () => void }) {
  const { path, query } = useLocation();
  const match = routes.map(([re, load, section]) => ({ m: path.match(re), load, section })).find((r) => r.m);
  async function signOut() {
    await api("/v1/sessions/current", { method: "DELETE" }).catch(() => {});
    onSignOut();
    navigate(BASE);
    document.title = t("app.title");
  }
  return (
    <div class="shell">
      <a class="skip" href="#main">{t("skip")}</a>
      <header class="topbar">
        <a class="brand" href={BASE}><span class="logo" aria-hidden="true">◆</span> Rivalwatch</a>
        <span class="ws">{session.workspaceName}</span>
        <span class="role" title={t("role")}>{tv("roles", session.role)}</span>
        <span class="spacer" />
        <LangSwitch onLang={onLang} />
        <button type="button" onClick={signOut}>{t("signout")}</button>
      </header>
      <nav class="sidebar" aria-label={t("nav.main")}>
        <ul>
          {nav.map((n) => (
            <li key={n}>
              <a href={n === "overview" ? BASE : `${BASE}/${n}`} aria-current={match?.section === n ? "page" : undefined}>{t(`nav.${n}`)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {match ? <Page key={path} load={match.load} props={{ session, params: { ...match.m!.groups }, query, workspace }} /> : <ErrorBox error={new Error(`no page at ${path}`)} />}
      </main>
    </div>
  );
}

const cache = new Map<Loader, ComponentType<PageProps>>();
function Page({ load, props }: { load: Loader; props: PageProps }) {
  const [C, setC] = useState<ComponentType<PageProps> | undefined>(() => cache.get(load));
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!C) load().then((m) => (cache.set(load, m.default), setC(() => m.default)), setError);
  }, [load]);
  if (error) return <ErrorBox error={error} />;
  return C ? <C {...props} /> : <Loading />;
}

render(<App />, document.getElementById("app")!);

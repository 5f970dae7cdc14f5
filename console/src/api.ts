// The console speaks the public /v1 API with its session cookie; state-changing calls carry
// the session's CSRF token. The API key itself never reaches this code after sign-in.
export type Role = "ingest" | "marketer" | "manager" | "admin";
export type Session = { workspaceId: string; workspaceName: string; role: Role; keyId: string; csrfToken: string; expiresAt: string };
export type FieldError = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly code = "",
  ) {
    super(message);
  }
}

let csrf = "";
let onUnauthorized: () => void = () => {};
export const setCsrf = (token: string) => void (csrf = token);
export const setUnauthorizedHandler = (f: () => void) => void (onUnauthorized = f);

export async function api<T = any>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrf;
  const res = await fetch(path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: "same-origin" });
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/v1/sessions")) onUnauthorized();
    throw new ApiError(res.status, body.detail ?? res.statusText, body.errors ?? [], body.code ?? "");
  }
  return body as T;
}

export const can = {
  editRules: (r: Role) => r === "marketer" || r === "admin",
  actOnAlerts: (r: Role) => r === "manager" || r === "admin",
  admin: (r: Role) => r === "admin",
  tasks: (r: Role) => r === "manager" || r === "admin",
};

// JSON lines on stdout/stderr; one object per event so log shippers need no parsing rules.
const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;
export type Logger = Record<Exclude<LogLevel, "silent">, (msg: string, fields?: Record<string, unknown>) => void>;

export function createLogger(level: LogLevel): Logger {
  const emit = (l: Exclude<LogLevel, "silent">) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (levels[l] < levels[level]) return;
    const line = JSON.stringify({ level: l, time: new Date().toISOString(), msg, ...fields }, (_k, v) =>
      v instanceof Error ? errorFields(v) : v,
    );
    (l === "error" || l === "warn" ? process.stderr : process.stdout).write(line + "\n");
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/**
 * An error as logged: message, stack, code and cause, never a statement's parameters. Drizzle
 * puts them in the message ("Failed query: … params: …") and they hold key hashes and
 * personal data; PostgreSQL's `detail` can quote row values, so it is left out too.
 */
export function errorFields(err: Error, depth = 0): Record<string, unknown> {
  const redact = (s: string | undefined) =>
    s
      ?.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, "\nparams: [redacted]")
      // PostgreSQL quotes the value it could not read: `invalid input syntax for type integer: "…"`.
      .replace(/(invalid input (?:syntax|value) for [^:\n]*: )"[^\n]*"/g, '$1"[redacted]"');
  const code = (err as { code?: unknown }).code;
  return {
    message: redact(err.message),
    stack: redact(err.stack),
    ...(typeof code === "string" ? { code } : {}),
    ...(err.cause instanceof Error && depth < 3 ? { cause: errorFields(err.cause, depth + 1) } : {}),
  };
}

// JSON lines on stdout/stderr; one object per event so log shippers need no parsing rules.
const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;
export type Logger = Record<Exclude<LogLevel, "silent">, (msg: string, fields?: Record<string, unknown>) => void>;

export function createLogger(level: LogLevel): Logger {
  const emit = (l: Exclude<LogLevel, "silent">) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (levels[l] < levels[level]) return;
    const line = JSON.stringify({ level: l, time: new Date().toISOString(), msg, ...fields }, (_k, v) =>
      v instanceof Error ? { message: v.message, stack: v.stack } : v,
    );
    (l === "error" || l === "warn" ? process.stderr : process.stdout).write(line + "\n");
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

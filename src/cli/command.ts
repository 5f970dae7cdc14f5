// What every CLI command is made of: its words, its help, its options and what it does.
import type { ParseArgsConfig } from "node:util";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { createRuntime, type Runtime, type Step } from "../runtime.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;

export type Out = { json: boolean; print(human: string, data: unknown): void; progress(line: string): void };

export type Command = {
  /** The words that name it: "alerts list". */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments and options after the name, for its own help. */
  usage: string;
  /** Longer help: what it does, with an example. */
  details?: string;
  options?: Options;
  run(ctx: { values: Values; positionals: string[]; out: Out }): Promise<void>;
};

export class UsageError extends Error {}

export function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v;
}

export function integer(values: Values, name: string, dflt: number, min: number, max: number): number {
  const raw = values[name];
  const v = raw === undefined ? dflt : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return v;
}

/** The server's configuration (environment, then .env) with the database and queues it uses. */
export async function withRuntime<T>(out: Out, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Starting an embedded PostgreSQL takes seconds: say so, as the server does.
  const step: Step = async (label, run) => {
    out.progress(`${label}…`);
    return run();
  };
  const rt = await createRuntime(config, { log: createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn"), step });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** The API's address as the server listens on it: hints print what works. */
export const apiBase = (rt: Runtime) => rt.config.PUBLIC_URL?.replace(/\/+$/, "") ?? `http://${rt.config.HOST}:${rt.config.PORT}`;

export const workspaceOption: Options = { workspace: { type: "string", short: "w" } };

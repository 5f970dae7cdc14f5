// One configuration source for the server and the CLI: the environment, plus a `.env` file
// in the working directory (or the file ENV_FILE names) when there is one. What the
// environment already sets wins, as with node --env-file.
import { existsSync } from "node:fs";
import path from "node:path";

/** Reads the .env file into process.env; the file read, or null when there is none. */
export function loadEnvFile(): string | null {
  const named = process.env.ENV_FILE;
  const file = path.resolve(named ?? ".env");
  if (!existsSync(file)) {
    if (named) throw new Error(`ENV_FILE=${named}: no such file`);
    return null;
  }
  process.loadEnvFile(file);
  return file;
}

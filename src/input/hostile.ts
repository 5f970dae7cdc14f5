// Strings PostgreSQL cannot store or that no client meant to send: NUL (text and jsonb refuse
// it) and unpaired UTF-16 surrogates (jsonb refuses the escape; text would store U+FFFD and
// lose the value). Checked once at the edge for every body, path and query — and per item
// for signal batches, where one bad item must not sink the others — so nothing reaches a
// statement that would answer 500.
import { type FieldError, formatPath } from "../errors.ts";

/** Deeper JSON than any route takes; deeper input is refused before anything walks it recursively. */
export const MAX_JSON_DEPTH = 32;
/** No single string the API takes is longer (templates included); longer ones are refused by name. */
export const MAX_STRING_LENGTH = 65_536;

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be taken, or null when it can. */
export function unsafeString(s: string): string | null {
  if (s.length > MAX_STRING_LENGTH) return `must be at most ${MAX_STRING_LENGTH} characters`;
  if (s.includes("\u0000")) return "must not contain the NUL character (U+0000)";
  if (!isWellFormed(s)) return "must not contain an unpaired surrogate (invalid UTF-16)";
  return null;
}

/** Every string (values and keys) in a parsed JSON value that cannot be taken, each named by its path. */
export function hostileInputErrors(value: unknown, path: PropertyKey[] = []): FieldError[] {
  const errors: FieldError[] = [];
  // One path stack, pushed and popped as the walk goes, copied only into an error: every
  // signal of every batch is walked, and a path array per node was most of the walk's cost.
  walk(value, [...path], 0, errors);
  return errors;
}

function walk(value: unknown, path: PropertyKey[], depth: number, errors: FieldError[]) {
  if (errors.length >= 20) return; // enough to name the problem; a hostile body could hold millions
  if (typeof value === "string") {
    const why = unsafeString(value);
    if (why) errors.push({ path: formatPath(path) || "(root)", message: why });
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (depth >= MAX_JSON_DEPTH) {
    errors.push({ path: formatPath(path) || "(root)", message: `nests deeper than ${MAX_JSON_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, depth + 1, errors);
      path.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const why = unsafeString(key);
    if (why) errors.push({ path: formatPath([...path, sanitiseKey(key)]) || "(root)", message: `has a key that ${why}` });
    else {
      path.push(key);
      walk((value as Record<string, unknown>)[key], path, depth + 1, errors);
      path.pop();
    }
  }
}

/** A key shown in an error message without the characters that made it unsafe. */
const sanitiseKey = (key: string) => key.slice(0, 100).replace(/\u0000/g, "\\u0000").replace(/[\ud800-\udfff]/g, "\\ufffd");

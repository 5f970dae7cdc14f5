// Hostile input refused at the edge, once for every route: NUL, unpaired surrogates, huge
// strings and deep nesting in path parameters, query strings and JSON bodies answer 422
// naming the field (see src/input/hostile.ts). Signal batches are checked per item in the
// domain instead, so one bad item is rejected and the valid ones are still stored.
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { FieldError } from "../errors.ts";
import { hostileInputErrors, unsafeString } from "../input/hostile.ts";
import type { AppEnv } from "./env.ts";
import { problemResponse } from "./problem.ts";

/** Routes whose bodies are signal batches, checked item by item by ingestSignals. */
const perItemBodies = [/^\/v1\/signals\/?$/, /^\/v1\/webhooks\/[^/]+\/[^/]+\/?$/];

export const refuseHostileInput: MiddlewareHandler<AppEnv> = async (c, next) => {
  const errors: FieldError[] = [...pathErrors(c.req.url, routePattern(matchedRoutes(c), c.req.method)), ...queryErrors(c.req.url)];
  if (errors.length === 0 && ["POST", "PUT", "PATCH", "DELETE"].includes(c.req.method) && !perItemBodies.some((r) => r.test(c.req.path))) {
    const type = c.req.header("content-type");
    if (type !== undefined && /json/i.test(type)) {
      // Parsed once here; Hono keeps the parsed body for the route's validator. Malformed
      // JSON is left to the validator, which answers it as such.
      const body = await c.req.json().catch(() => undefined);
      errors.push(...hostileInputErrors(body));
    }
  }
  if (errors.length > 0) return problemResponse(c, "validation_failed", "the request holds characters or sizes the API does not take", errors);
  await next();
};

/** The path of the route that will answer (the last one matched that is not middleware). */
function routePattern(matched: readonly { path: string; method: string }[], method: string) {
  for (let i = matched.length - 1; i >= 0; i--) {
    const r = matched[i]!;
    if (r.method === method && !r.path.endsWith("*")) return r.path;
  }
  return null;
}

/** Each decoded path segment, named by its route parameter (`path.customerId`) when there is one. */
function pathErrors(url: string, pattern: string | null): FieldError[] {
  const pathname = url.slice(url.indexOf("/", url.indexOf("//") + 2)).split(/[?#]/)[0]!;
  const names = pattern?.split("/") ?? [];
  const errors: FieldError[] = [];
  pathname.split("/").forEach((raw, i) => {
    const segment = decode(raw, false);
    const why = segment === null ? "is not valid percent-encoding" : unsafeString(segment);
    if (!why) return;
    const name = names[i]?.startsWith(":") ? names[i]!.slice(1).replace(/\{.*$/, "") : `segment ${i}`;
    errors.push({ path: `path.${name}`, message: why });
  });
  return errors;
}

function queryErrors(url: string): FieldError[] {
  const q = url.indexOf("?");
  if (q < 0) return [];
  const errors: FieldError[] = [];
  for (const part of url.slice(q + 1).split("#")[0]!.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const [rawKey, rawValue] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    const key = decode(rawKey);
    const value = decode(rawValue);
    const keyWhy = key === null ? "is not valid percent-encoding" : unsafeString(key);
    const shown = key !== null && !keyWhy ? key : "(parameter name)";
    if (keyWhy) errors.push({ path: `query.${shown}`, message: `has a name that ${keyWhy}` });
    else {
      const why = value === null ? "is not valid percent-encoding" : unsafeString(value);
      if (why) errors.push({ path: `query.${shown}`, message: why });
    }
  }
  return errors;
}

function decode(s: string, plusIsSpace = true): string | null {
  try {
    return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, " ") : s);
  } catch {
    return null;
  }
}

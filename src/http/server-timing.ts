// `Server-Timing: app;dur=12.3` on every /v1 answer: the time the service spent on it, from
// authentication to the response, which the browser's devtools show beside each request and
// the console benchmark (bench/console.ts) reads. Streamed bodies are not included.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

export const serverTiming = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  c.header("server-timing", `app;dur=${(performance.now() - start).toFixed(1)}`);
});

// The console: a single-page app under /console, built from console/src with esbuild the first
// time it is asked for and kept in memory, so `npm install && npm start` serves it with no
// build step. Every deep link answers the same page; the app routes in the browser.
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import type { App } from "./app.ts";
import { problemResponse } from "./problem.ts";

type Asset = { body: Uint8Array; type: string };
type Bundle = { html: string; assets: Map<string, Asset> };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../console");

/** Builds the console bundle: hashed file names, code split per page. */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<Bundle & { metafile: unknown }> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/main.tsx", "src/styles.css"],
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    minify: options.minify ?? true,
    write: false,
    outdir: "dist",
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const assets = new Map<string, Asset>();
  let script = "";
  let style = "";
  for (const file of result.outputFiles) {
    const name = path.basename(file.path);
    const type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    assets.set(name, { body: file.contents, type });
    if (name.startsWith("main-") && name.endsWith(".js")) script = name;
    if (name.startsWith("styles-") && name.endsWith(".css")) style = name;
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rivalwatch console</title><link rel="stylesheet" href="/console/assets/${style}">
<link rel="icon" href="data:,"><script type="module" src="/console/assets/${script}"></script></head>
<body><div id="app"></div></body></html>`;
  return { html, assets, metafile: result.metafile };
}

let bundle: Promise<Bundle> | undefined;
const getBundle = () => {
  bundle ??= buildConsole().catch((err) => {
    bundle = undefined; // a failed build is tried again on the next request
    throw err;
  });
  return bundle;
};

const securityHeaders = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

export function registerConsole(app: App) {
  app.get("/", (c) => c.redirect("/console", 302));
  app.get("/console/assets/:name", async (c) => {
    const asset = (await getBundle()).assets.get(c.req.param("name"));
    if (!asset) return problemResponse(c, "not_found", `no console asset ${c.req.param("name")}`);
    // Names carry a content hash, so they never change meaning.
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { "content-type": asset.type, "cache-control": "public, max-age=31536000, immutable", ...securityHeaders });
  });
  const page = async (c: Context) => {
    const { html } = await getBundle();
    const etag = `"${createHash("sha256").update(html).digest("base64url").slice(0, 16)}"`;
    return c.body(html, 200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", etag, ...securityHeaders });
  };
  app.get("/console", page);
  app.get("/console/*", page);
}

// The SSRF guard: an endpoint's host is resolved and every address it resolves to must be
// public, unless the workspace's allow-list names it. The request then connects to the
// address that was checked (no second lookup a rebinding DNS could answer differently),
// follows no redirect and gives up after a timeout.
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, bits, "ipv6");
}

/** `::ffff:7f00:1` and `::ffff:127.0.0.1` are 127.0.0.1. */
function unmapIPv4(address: string): string {
  const m = address.toLowerCase().match(/^(?:0{0,4}:){0,5}:?ffff:(.+)$/);
  if (!m) return address;
  const rest = m[1]!;
  if (isIP(rest) === 4) return rest;
  const parts = rest.split(":");
  if (parts.length !== 2) return address;
  const hi = parseInt(parts[0]!, 16);
  const lo = parseInt(parts[1]!, 16);
  if (Number.isNaN(hi) || Number.isNaN(lo)) return address;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

const family = (a: string) => (isIP(a) === 6 ? "ipv6" : "ipv4");

/** True for loopback, private, link-local, CGNAT, documentation, multicast and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const a = unmapIPv4(address);
  return blocked.check(a, family(a));
}

export function allowListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split("/");
    if (!addr || isIP(addr) === 0) continue;
    const f = family(addr);
    if (bits === undefined) list.addAddress(addr, f);
    else list.addSubnet(addr, Number(bits), f);
  }
  return list;
}

export class RefusedDestination extends Error {}

/** Resolves the URL's host and returns the address to connect to, or throws RefusedDestination. */
export async function vetDestination(url: string, allowList: readonly string[]): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RefusedDestination(`${url} is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new RefusedDestination(`only http and https URLs are allowed, not ${u.protocol}`);
  if (u.username || u.password) throw new RefusedDestination("URLs with credentials are not allowed");
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (err) {
      throw new RefusedDestination(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  if (addresses.length === 0) throw new RefusedDestination(`${host} does not resolve`);
  const allow = allowListOf(allowList);
  for (const a of addresses) {
    const plain = unmapIPv4(a.address);
    if (isNonPublicAddress(plain) && !allow.check(plain, family(plain))) {
      throw new RefusedDestination(
        `${host} resolves to ${a.address}, a loopback, private or link-local address; add it to the workspace's actions.webhookAllowList to allow it`,
      );
    }
  }
  const first = addresses[0]!;
  return { url: u, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export type HttpResult = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * POSTs to a vetted destination, connecting to the checked address. Redirects come back
 * as their 3xx status (never followed); the whole exchange is bounded by `timeoutMs`.
 */
export function postToVetted(
  dest: { url: URL; address: string; family: 4 | 6 },
  input: { headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const mod = dest.url.protocol === "https:" ? https : http;
    const req = mod.request(
      dest.url,
      {
        method: "POST",
        headers: { ...input.headers, "content-length": String(Buffer.byteLength(input.body)) },
        agent: false,
        lookup: (_host, opts, cb) => {
          const all = (opts as { all?: boolean }).all;
          if (all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: dest.address, family: dest.family }]);
          else cb(null, dest.address, dest.family);
        },
        ...(dest.url.protocol === "https:" ? { servername: dest.url.hostname } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
          if (size > 64 * 1024) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8").slice(0, 4096) });
        };
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${input.timeoutMs} ms`)), input.timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(input.body);
  });
}

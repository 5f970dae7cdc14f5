// The SSRF guard: an endpoint's host is resolved and every address it resolves to must be
// public, unless the workspace's allow-list names it. The request then connects to the
// address that was checked (no second lookup a rebinding DNS could answer differently),
// follows no redirect and gives up after a timeout.
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type Range = readonly [cidr: string, name: string];

/**
 * Every entry of the IANA IPv4 Special-Purpose Address Registry (iana-ipv4-special-registry,
 * 2024 edition) plus multicast: none of them is a webhook receiver, including the few the
 * registry marks globally reachable (anycast AS112, AMT, PCP and TURN services).
 */
export const ipv4SpecialRanges: readonly Range[] = [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private use"],
  ["100.64.0.0/10", "shared address space (CGNAT)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link local"],
  ["172.16.0.0/12", "private use"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation (TEST-NET-1)"],
  ["192.31.196.0/24", "AS112-v4"],
  ["192.52.193.0/24", "AMT"],
  ["192.88.99.0/24", "deprecated 6to4 relay anycast"],
  ["192.168.0.0/16", "private use"],
  ["192.175.48.0/24", "direct delegation AS112 service"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation (TEST-NET-2)"],
  ["203.0.113.0/24", "documentation (TEST-NET-3)"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["255.255.255.255/32", "limited broadcast"],
];

/**
 * The IANA IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry), the deprecated
 * ranges still routed by old stacks, and multicast. Ranges that embed an IPv4 address
 * (IPv4-mapped, SIIT, NAT64 well-known prefix, 6to4) are classified by that address instead.
 */
export const ipv6SpecialRanges: readonly Range[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::/96", "IPv4-compatible (deprecated)"],
  ["64:ff9b:1::/48", "IPv4-IPv6 translation, local use"],
  ["100::/64", "discard only"],
  ["100:0:0:1::/64", "dummy IPv6 prefix"],
  ["2001::/23", "IETF protocol assignments"],
  ["2001::/32", "Teredo"],
  ["2001:2::/48", "benchmarking"],
  ["2001:db8::/32", "documentation"],
  ["2620:4f:8000::/48", "direct delegation AS112 service"],
  ["3fff::/20", "documentation"],
  ["5f00::/16", "segment routing (SRv6) SIDs"],
  ["fc00::/7", "unique local"],
  ["fe80::/10", "link local"],
  ["fec0::/10", "site local (deprecated)"],
  ["ff00::/8", "multicast"],
];

const compile = (ranges: readonly Range[]) => ranges.map(([cidr, name]) => ({ range: ipaddr.parseCIDR(cidr), name }));
const v4Ranges = compile(ipv4SpecialRanges);
const v6Ranges = compile(ipv6SpecialRanges);
const globalUnicast = ipaddr.parseCIDR("2000::/3");

/** The IPv4 address an IPv6 address carries and stands for, when it carries one. */
function embeddedIPv4(a: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => ipaddr.IPv4.parse(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return v4(p[6]!, p[7]!); // IPv4-mapped ::ffff:a.b.c.d
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return v4(p[6]!, p[7]!); // SIIT ::ffff:0:a.b.c.d
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return v4(p[6]!, p[7]!); // NAT64 64:ff9b::/96
  if (p[0] === 0x2002) return v4(p[1]!, p[2]!); // 6to4 2002:AABB:CCDD::/48
  return null;
}

/** Why an address is not a public destination (the registry's name for its range), or null when it is one. */
export function specialPurposeOf(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const a = ipaddr.parse(address);
  if (a.kind() === "ipv4") return v4Ranges.find((r) => a.match(r.range))?.name ?? null;
  const v6 = a as ipaddr.IPv6;
  const inner = embeddedIPv4(v6);
  if (inner) {
    const why = specialPurposeOf(inner.toString());
    return why ? `${why} (embedded in ${address})` : null;
  }
  const hit = v6Ranges.filter((r) => v6.match(r.range)).sort((x, y) => y.range[1] - x.range[1])[0];
  if (hit) return hit.name;
  return v6.match(globalUnicast) ? null : "not global unicast (outside 2000::/3)";
}

/** True for loopback, private, link-local, CGNAT, documentation, multicast and every other special-purpose address. */
export const isNonPublicAddress = (address: string) => specialPurposeOf(address) !== null;

/**
 * One allow-list entry, parsed strictly: an address, or an address and a prefix of at least
 * /8 (IPv4) or /32 (IPv6). Anything else — `203.0.113.7/`, `0.0.0.0/0`, `127.1`, a zone — is
 * an error message, never a wider range than was meant.
 */
export function parseAllowListEntry(entry: string): { range: [ipaddr.IPv4 | ipaddr.IPv6, number] } | { error: string } {
  const m = /^([0-9a-fA-F.:]+)(?:\/(0|[1-9][0-9]{0,2}))?$/.exec(entry);
  if (!m) return { error: "must be an IP address, or an address and a prefix such as 10.0.0.0/8" };
  const [, addr, bitsText] = m;
  const family = isIP(addr!);
  if (family === 4 && !ipaddr.IPv4.isValidFourPartDecimal(addr!)) return { error: "must be an IPv4 address in four decimal parts" };
  if (family === 0) return { error: "must be an IP address, or an address and a prefix such as 10.0.0.0/8" };
  const parsed = ipaddr.parse(addr!);
  const max = family === 4 ? 32 : 128;
  const min = family === 4 ? 8 : 32;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits < min || bits > max) return { error: `the prefix must be between /${min} and /${max} for IPv${family}` };
  return { range: [parsed, bits] };
}

export type AllowList = { check(address: string): boolean };

/** The workspace's allow-list; entries that do not parse strictly allow nothing. */
export function allowListOf(entries: readonly string[]): AllowList {
  const ranges = entries.flatMap((e) => {
    const r = parseAllowListEntry(e);
    return "range" in r ? [r.range] : [];
  });
  return {
    check(address) {
      if (!ipaddr.isValid(address)) return false;
      const a = ipaddr.process(address); // IPv4-mapped IPv6 is checked as its IPv4 address
      const forms = [a, ...(a.kind() === "ipv6" ? [embeddedIPv4(a as ipaddr.IPv6)].filter((x) => x !== null) : [])];
      return ranges.some(([net, bits]) => forms.some((f) => f.kind() === net.kind() && f.match(net, bits)));
    },
  };
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
    const why = specialPurposeOf(a.address);
    if (why && !allow.check(a.address)) {
      throw new RefusedDestination(
        `${host} resolves to ${a.address}, a loopback, private or link-local address or another special-purpose one (${why}); add it to the workspace's actions.webhookAllowList to allow it`,
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

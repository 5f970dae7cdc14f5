// The SSRF classifier against the IANA special-purpose registries, table-driven: for each
// range, its first address, an address inside and its last address are refused; addresses
// just outside and well-known public ones pass. Allow-list entries parse strictly.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { allowListOf, ipv4SpecialRanges, ipv6SpecialRanges, isNonPublicAddress, parseAllowListEntry, specialPurposeOf } from "../../src/webhooks/ssrf.ts";

function edges(cidr: string) {
  const [net, bits] = ipaddr.parseCIDR(cidr);
  const bytes = net.toByteArray();
  const first = [...bytes];
  const last = bytes.map((b, i) => {
    const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - bits));
    return b | ((1 << hostBits) - 1);
  });
  const middle = [...first];
  middle[middle.length - 1] = (middle[middle.length - 1]! | 1) & last[last.length - 1]!;
  return [first, middle, last].map((b) => ipaddr.fromByteArray(b).toString());
}

describe("the classifier", () => {
  it.each(ipv4SpecialRanges.map(([cidr, name]) => [cidr, name]))("refuses all of IPv4 %s (%s)", (cidr) => {
    for (const a of edges(cidr)) expect(isNonPublicAddress(a), a).toBe(true);
  });

  it.each(ipv6SpecialRanges.map(([cidr, name]) => [cidr, name]))("refuses all of IPv6 %s (%s)", (cidr) => {
    for (const a of edges(cidr)) expect(isNonPublicAddress(a), a).toBe(true);
  });

  it.each([
    ["::127.0.0.1", "IPv4-compatible"],
    ["::ffff:127.0.0.1", "IPv4-mapped"],
    ["::ffff:7f00:1", "IPv4-mapped, hex"],
    ["::ffff:0:7f00:1", "SIIT"],
    ["::ffff:0:a9fe:a9fe", "SIIT metadata address"],
    ["2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"],
    ["2002:7f00:1::", "6to4 of 127.0.0.1"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"],
    ["64:ff9b::10.0.0.1", "NAT64 of 10.0.0.1"],
    ["64:ff9b:1::8.8.8.8", "NAT64 local use"],
    ["2001::1", "Teredo"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo client"],
    ["fec0::1", "site local"],
    ["fd12:3456::1", "unique local"],
    ["fe80::1", "link local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation (2024)"],
    ["2001:2::1", "benchmarking"],
    ["4000::1", "outside global unicast"],
  ])("refuses %s (%s)", (a) => {
    expect(specialPurposeOf(a), a).not.toBeNull();
  });

  it.each(["8.8.8.8", "1.1.1.1", "203.0.114.1", "198.51.101.0", "11.0.0.1", "100.128.0.0", "2606:4700:4700::1111", "2a00:1450:4001::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"])(
    "lets public %s through",
    (a) => {
      expect(specialPurposeOf(a), a).toBeNull();
    },
  );
});

describe("allow-list entries", () => {
  it.each(["203.0.113.7/", "0.0.0.0/0", "10.0.0.0/7", "::/0", "2001:db8::/31", "127.1", "0177.0.0.1", "fe80::1%eth0", "10.0.0.0/08", "10.0.0.0/33", "host.example", "", "10.0.0.0/8/8"])(
    "refuses %j",
    (entry) => {
      expect(parseAllowListEntry(entry)).toHaveProperty("error");
    },
  );

  it.each(["203.0.113.7", "10.0.0.0/8", "192.168.1.0/24", "::1", "fd00::/32", "fd00::/64"])("takes %j", (entry) => {
    expect(parseAllowListEntry(entry)).toHaveProperty("range");
  });

  it("an entry with an empty prefix allows nothing rather than everything", () => {
    const list = allowListOf(["203.0.113.7/"]);
    expect(list.check("169.254.169.254")).toBe(false);
    expect(list.check("203.0.113.7")).toBe(false);
  });

  it("an allowed IPv4 address also allows its IPv4-mapped form", () => {
    const list = allowListOf(["127.0.0.1"]);
    expect(list.check("::ffff:127.0.0.1")).toBe(true);
    expect(list.check("127.0.0.2")).toBe(false);
  });
});

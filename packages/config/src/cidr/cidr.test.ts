import net from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCidr, parseCidr } from "./cidr.ts";
import { createIpMatcher } from "./matcher.ts";
import { parseIp, parseIpv4, parseIpv6 } from "./parse-ip.ts";

// node:net is the oracle here (tests run in Node); the code under test must not use it.
const v4Text = fc
  .tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 })))
  .map((o) => o.join("."));
const v6Groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });

function full(groups: number[]): string {
  return groups.map((g) => g.toString(16)).join(":");
}

/** The same address with its longest zero run compressed to "::" (when there is one). */
function compressed(groups: number[]): string {
  let best = { at: -1, length: 0 };
  for (let at = 0; at < 8; at++) {
    let length = 0;
    while (at + length < 8 && groups[at + length] === 0) length++;
    if (length > best.length) best = { at, length };
  }
  if (best.length === 0) return full(groups);
  const hex = groups.map((g) => g.toString(16));
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.length).join(":")}`;
}

function bigintOf(groups: number[]): bigint {
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function nodeAllows(network: string, prefix: number, family: "ipv4" | "ipv6", address: string): boolean {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family);
  return list.check(address, net.isIPv4(address) ? "ipv4" : "ipv6");
}

describe("IP parsing", () => {
  it("IPv4: every dotted quad parses to its uint32", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        const text = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
        expect(parseIpv4(text)).toBe(value);
      }),
    );
  });

  it("IPv6: full and compressed forms parse to the same 128-bit value, and node agrees they are IPv6", () => {
    fc.assert(
      fc.property(v6Groups, (groups) => {
        expect(parseIpv6(full(groups))).toBe(bigintOf(groups));
        expect(parseIpv6(compressed(groups))).toBe(bigintOf(groups));
        expect(net.isIPv6(compressed(groups))).toBe(true);
      }),
    );
  });

  it("agrees with node:net on which strings are addresses (fast-check's generators and mangled ones)", () => {
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.%/ "), maxLength: 45 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        const ours = parseIp(text) !== undefined;
        // node accepts zone ids (fe80::1%eth0); the gateway never sees them in client addresses.
        const node = net.isIP(text) !== 0 && !text.includes("%");
        expect(ours, text).toBe(node);
      }),
      { numRuns: 2000 },
    );
  });

  it("an IPv4-mapped IPv6 address is its IPv4 address, in both notations", () => {
    fc.assert(
      fc.property(v4Text, (v4) => {
        const value = parseIpv4(v4) as number;
        expect(parseIp(`::ffff:${v4}`)).toEqual({ family: 4, value });
        const hex = `::ffff:${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
        expect(parseIp(hex.toUpperCase())).toEqual({ family: 4, value });
      }),
    );
  });

  it("refuses leading zeros, zone ids, too many groups and stray colons", () => {
    for (const bad of [
      "010.0.0.1",
      "1.2.3",
      "1.2.3.256",
      "fe80::1%eth0",
      "1:2:3:4:5:6:7:8:9",
      ":1::",
      "1::2::3",
      "::1.2.3.4:5",
      "",
      " 1.2.3.4",
    ]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});

describe("CIDR matching", () => {
  it("IPv4, every prefix 0..32: matches exactly what node's BlockList matches", () => {
    fc.assert(
      fc.property(v4Text, fc.integer({ min: 0, max: 32 }), v4Text, (network, prefix, address) => {
        const parsed = parseCidr(`${network}/${prefix}`);
        if (!parsed.ok) throw new Error(parsed.reason);
        expect(createIpMatcher([parsed.cidr]).matches(address)).toBe(
          nodeAllows(network, prefix, "ipv4", address),
        );
        // The network's own address always matches, and so does the address as IPv4-mapped IPv6.
        expect(createIpMatcher([parsed.cidr]).matches(network)).toBe(true);
        expect(createIpMatcher([parsed.cidr]).matches(`::ffff:${network}`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("IPv6, every prefix 0..128: matches exactly what node's BlockList matches", () => {
    // The address shares a random number of leading groups with the network, so matches are frequent.
    const shared = fc.integer({ min: 0, max: 8 });
    fc.assert(
      fc.property(
        v6Groups,
        fc.integer({ min: 0, max: 128 }),
        v6Groups,
        shared,
        (net6, prefix, other, keep) => {
          const network = compressed(net6);
          if (net6[5] === 0xffff && net6.slice(0, 5).every((g) => g === 0)) return; // mapped: see next test
          const address = compressed([...net6.slice(0, keep), ...other.slice(keep)]);
          const parsed = parseCidr(`${network}/${prefix}`);
          if (!parsed.ok) throw new Error(parsed.reason);
          expect(createIpMatcher([parsed.cidr]).matches(address)).toBe(
            nodeAllows(network, prefix, "ipv6", address),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("an IPv4-mapped IPv6 network with prefix >= 96 is the IPv4 network", () => {
    fc.assert(
      fc.property(v4Text, fc.integer({ min: 96, max: 128 }), v4Text, (network, prefix, address) => {
        const parsed = parseCidr(`::ffff:${network}/${prefix}`);
        expect(parsed.ok && parsed.cidr.family).toBe(4);
        if (!parsed.ok) return;
        expect(createIpMatcher([parsed.cidr]).matches(address)).toBe(
          nodeAllows(network, prefix - 96, "ipv4", address),
        );
      }),
    );
  });

  it("a list matches when any network matches; formatCidr names the canonical network", () => {
    const cidrs = ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1"].map((text) => {
      const parsed = parseCidr(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.cidr;
    });
    const matcher = createIpMatcher(cidrs);
    for (const ip of ["10.200.3.4", "192.168.1.7", "2001:db8:ffff::1", "::1", "::ffff:10.0.0.1"]) {
      expect(matcher.matches(ip), ip).toBe(true);
    }
    for (const ip of ["11.0.0.1", "192.168.1.8", "2001:db9::", "::2", "not-an-ip", undefined]) {
      expect(matcher.matches(ip), String(ip)).toBe(false);
    }
    const hostBits = parseCidr("10.1.2.3/8");
    expect(hostBits.ok && hostBits.hostBitsSet).toBe(true);
    expect(hostBits.ok && formatCidr(hostBits.cidr)).toBe("10.0.0.0/8");
    for (const [text, canonical] of [
      ["2001:DB8:0:0:1:0:0:0/128", "2001:db8:0:0:1::/128"],
      ["::/0", "::/0"],
      ["fd00::1:2/127", "fd00::1:2/127"],
      ["1:0:2:3:4:5:6:7/128", "1:0:2:3:4:5:6:7/128"],
    ]) {
      const parsed = parseCidr(text as string);
      expect(parsed.ok && formatCidr(parsed.cidr)).toBe(canonical);
    }
  });

  it("explains bad entries", () => {
    expect(parseCidr("10.0.0.0/33")).toEqual({
      ok: false,
      reason: '"10.0.0.0/33" has an invalid prefix length (0-32)',
    });
    expect(parseCidr("::/129")).toEqual({
      ok: false,
      reason: '"::/129" has an invalid prefix length (0-128)',
    });
    expect(parseCidr("10.0.0.0/08")).toMatchObject({ ok: false });
    expect(parseCidr("example.com")).toEqual({
      ok: false,
      reason: '"example.com" is not an IPv4 or IPv6 address or CIDR',
    });
  });
});

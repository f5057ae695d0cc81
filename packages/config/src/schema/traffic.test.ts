import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf, type MutableDocument } from "../../test/fixtures.ts";
import { compileCentral, compileEdge } from "../compile.ts";
import { validateConfig } from "../parse-config.ts";

function withRoute(fields: MutableDocument): MutableDocument {
  const doc = baseDocument();
  doc.routes[0] = { ...doc.routes[0], ...fields };
  return doc;
}

describe("ipRules", () => {
  it("accepts v4, v6, v4-mapped and bare addresses globally and per route; the edge gets them, central does not", () => {
    const doc = withRoute({ ipRules: { deny: ["2001:db8::/32", "::ffff:10.0.0.0/104"] } });
    doc.ipRules = { allow: ["10.0.0.0/8", "192.168.1.7", "::1"] };
    const config = validateConfig(doc, {});
    expect(config.ipRules).toEqual({ allow: ["10.0.0.0/8", "192.168.1.7", "::1"], deny: [] });
    expect(config.routes[0]?.ipRules).toEqual({ allow: [], deny: ["2001:db8::/32", "::ffff:10.0.0.0/104"] });
    const edge = compileEdge(config);
    expect(edge.ipRules).toEqual(config.ipRules);
    expect(edge.routes[0]?.ipRules).toEqual(config.routes[0]?.ipRules);
    expect(compileCentral(config).routes[0]).not.toHaveProperty("ipRules");
    expect(compileEdge(validateConfig(baseDocument(), {}))).not.toHaveProperty("ipRules");
  });

  it("names the path of each bad CIDR", () => {
    const doc = withRoute({ ipRules: { allow: ["10.0.0.0/33", "example.com"], deny: ["10.1.2.3/8"] } });
    doc.ipRules = { deny: ["fe80::1%eth0", "::/129", "10.0.0.0/8", "10.0.0.0/8"] };
    expect(issuesOf(doc)).toEqual([
      'routes[0].ipRules.allow[0]: "10.0.0.0/33" has an invalid prefix length (0-32)',
      'routes[0].ipRules.allow[1]: "example.com" is not an IPv4 or IPv6 address or CIDR',
      'routes[0].ipRules.deny[0]: "10.1.2.3/8" has bits set past the prefix: write 10.0.0.0/8',
      'ipRules.deny[0]: "fe80::1%eth0" is not an IPv4 or IPv6 address or CIDR',
      'ipRules.deny[1]: "::/129" has an invalid prefix length (0-128)',
      'ipRules.deny[3]: duplicate "10.0.0.0/8"',
    ]);
  });

  it("bounds each list at 1000 networks", () => {
    const many = Array.from({ length: 1001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const doc = baseDocument();
    doc.ipRules = { deny: many };
    expect(issuesOf(doc)).toEqual(["ipRules.deny: must list at most 1000 networks"]);
    doc.ipRules = { deny: many.slice(0, 1000) };
    expect(validateConfig(doc, {}).ipRules?.deny).toHaveLength(1000);
  });

  it("rejects unknown keys", () => {
    expect(issuesOf(withRoute({ ipRules: { block: [] } }))).toEqual(["routes[0].ipRules.block: unknown key"]);
  });
});

describe("geo", () => {
  it("upper-cases countries and defaults to 451", () => {
    const doc = withRoute({ geo: { denyCountries: ["ru", "KP"], allowContinents: ["EU"] } });
    doc.geo = { countryHeader: "X-Country", continentHeader: "X-Continent" };
    const config = validateConfig(doc, {});
    expect(config.routes[0]?.geo).toEqual({
      allowCountries: [],
      denyCountries: ["RU", "KP"],
      allowContinents: ["EU"],
      denyContinents: [],
      status: 451,
    });
    expect(compileEdge(config).geo).toEqual({ countryHeader: "x-country", continentHeader: "x-continent" });
    expect(compileEdge(config).routes[0]?.geo?.status).toBe(451);
  });

  it("names bad codes, statuses, header names and oversized lists", () => {
    const doc = withRoute({
      geo: { denyCountries: ["Germany"], allowContinents: ["Europe"], status: 404 },
    });
    doc.geo = { countryHeader: "bad header" };
    expect(issuesOf(doc)).toEqual([
      'routes[0].geo.denyCountries[0]: must be a two-letter ISO 3166-1 country code like "DE"',
      expect.stringMatching(/^routes\[0\]\.geo\.allowContinents\[0\]: /),
      "routes[0].geo.status: must be 451 or 403",
      "geo.countryHeader: must be an HTTP header name",
    ]);
    const big = Array.from(
      { length: 676 },
      (_, i) => `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
    );
    expect(issuesOf(withRoute({ geo: { allowCountries: big.slice(0, 301) } }))).toEqual([
      "routes[0].geo.allowCountries: must list at most 300 countries",
    ]);
  });
});

describe("geo sources", () => {
  it("continent lists behind a proxy need geo.continentHeader", () => {
    const doc = withRoute({ geo: { allowContinents: ["EU"], denyContinents: ["AS"] } });
    doc.geo = { countryHeader: "x-country" };
    expect(issuesOf(doc)).toEqual([
      "routes[0].geo.allowContinents: needs geo.continentHeader: with geo.countryHeader set, request.cf is not used",
      "routes[0].geo.denyContinents: needs geo.continentHeader: with geo.countryHeader set, request.cf is not used",
    ]);
    doc.geo = { countryHeader: "x-country", continentHeader: "x-continent" };
    expect(validateConfig(doc, {}).routes[0]?.geo?.allowContinents).toEqual(["EU"]);
  });
});

describe("routes[].deprecation", () => {
  it("turns dates into unix seconds; the edge gets them, central does not", () => {
    const config = validateConfig(
      withRoute({
        deprecation: {
          since: "2026-01-31",
          sunset: "2026-07-01T12:00:00+02:00",
          link: "https://docs.example/v1-migration",
        },
      }),
      {},
    );
    expect(config.routes[0]?.deprecation).toEqual({
      since: Date.UTC(2026, 0, 31) / 1000,
      sunset: Date.UTC(2026, 6, 1, 10) / 1000,
      link: "https://docs.example/v1-migration",
    });
    expect(compileEdge(config).routes[0]?.deprecation).toEqual(config.routes[0]?.deprecation);
    expect(compileCentral(config).routes[0]).not.toHaveProperty("deprecation");
  });

  it("rejects bad dates, a sunset before the deprecation, and bad links, with the path", () => {
    const cases: Array<[unknown, string[]]> = [
      [
        { since: "2026-02-30" },
        ["routes[0].deprecation.since: must be a date like 2026-01-31 or 2026-01-31T00:00:00Z"],
      ],
      [
        { since: "yesterday" },
        ["routes[0].deprecation.since: must be a date like 2026-01-31 or 2026-01-31T00:00:00Z"],
      ],
      [
        { since: "2026-01-31T00:00:00" },
        ["routes[0].deprecation.since: must be a date like 2026-01-31 or 2026-01-31T00:00:00Z"],
      ],
      [
        { since: 1767225600 },
        ["routes[0].deprecation.since: must be a date like 2026-01-31 or 2026-01-31T00:00:00Z"],
      ],
      [
        { since: "2026-06-01", sunset: "2026-01-01" },
        ["routes[0].deprecation.sunset: must not be earlier than since (RFC 9745 §3)"],
      ],
      [
        { since: "2026-01-01", link: "ftp://x.example" },
        ["routes[0].deprecation.link: must be an http(s) URL"],
      ],
      [{ sunset: "2026-01-01" }, [expect.stringMatching(/^routes\[0\]\.deprecation\.since: /)]],
    ];
    for (const [deprecation, expected] of cases) {
      expect(issuesOf(withRoute({ deprecation })), JSON.stringify(deprecation)).toEqual(expected);
    }
  });
});

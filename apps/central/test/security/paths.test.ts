import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { SecureCentral } from "./support/central.ts";
import { sendRaw } from "./support/raw.ts";
import { useSecureCentralWithUpstream } from "./support/secure-central-with-upstream.ts";
import { expectStillServing, signedHead } from "./support/suite.ts";
import type { WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
let central: SecureCentral;

useSecureCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

/** Sends a signed GET for the raw target; returns the status and what the upstream received, if anything. */
async function probe(target: string): Promise<{ status: number; received: string[] }> {
  const before = upstream.started.length;
  const head = await signedHead(central, "GET", target, "Connection: close\r\n");
  const response = await sendRaw(central.port, `${head}\r\n`);
  return { status: response.status, received: upstream.started.slice(before) };
}

/** RFC 3986 dot-segment removal on an already-decoded path (`\\` counted as a separator, as some servers do). */
function resolveDots(path: string): string {
  const out: string[] = [];
  for (const segment of path.replaceAll("\\", "/").split("/")) {
    if (segment === "..") out.pop();
    else if (segment !== "." && segment !== "") out.push(segment);
  }
  return `/${out.join("/")}`;
}

/**
 * The upstream path stays under the public route's rewrite prefix, as received
 * and also after a service decodes it once and removes dot segments.
 */
function staysUnder(prefix: string, received: string): boolean {
  const path = received.split("?")[0] ?? "";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  const under = (p: string) => p === prefix || p.startsWith(`${prefix}/`);
  return under(path) && under(resolveDots(decoded));
}

describe("no request escapes its route prefix (alice may only reach /api/public and /api/files)", () => {
  afterEach(() => expectStillServing(central));

  const table: Array<[string, number | "rejected"]> = [
    ["/api/public/../admin", 403],
    ["/api/public/%2e%2e/admin", 403],
    ["/api/public/%2E%2e/admin", 403],
    ["/api/public/.%2e/admin", 403],
    ["//api/admin", 403],
    ["/api/public/..%2fadmin", "rejected"],
    ["/api/public/..%2Fadmin", "rejected"],
    ["/api/public/..%5cadmin", "rejected"],
    ["/api/public/%252e%252e/admin", 200],
    ["/api/public/%252e%252e%252fadmin", 200],
    ["/api/public/..\\admin", "rejected"],
    ["/api/public\\..\\admin", "rejected"],
    ["/api/public/%00/admin", "rejected"],
    ["/api/public/%c0%ae%c0%ae/admin", "rejected"],
    ["/api/public/%e0%80%ae%e0%80%ae/admin", "rejected"],
    ["/api/public/..;/admin", "rejected"],
    ["/api/public/.%3b/admin", "rejected"],
    ["/api/public;x/../admin", 403],
    ["/api/public/x;/../../admin", 403],
    ["/api/public/%2e%2e;x/admin", "rejected"],
    ["/api/public/./././../admin", 403],
    ["/api/public/../../../../etc/passwd", 404],
    ["/api/public/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404],
    ["/api/publicX/../admin", 403],
    ["/api/public/#/../admin", "rejected"],
    ["/api/public/%23/../../admin", 403],
  ];

  for (const [target, expected] of table) {
    it(`${target} → ${expected}`, async () => {
      const { status, received } = await probe(target);
      if (expected === "rejected") expect([400, 404], target).toContain(status);
      else expect(status, target).toBe(expected);
      for (const path of received)
        expect(staysUnder("/public", path), `${target} reached ${path}`).toBe(true);
      if (expected !== 200) expect(received, target).toEqual([]);
    });
  }

  it("double encoding is decoded once, never twice: the upstream gets %252e, not %2e or ..", async () => {
    const { status, received } = await probe("/api/public/%252e%252e/admin");
    expect(status).toBe(200);
    expect(received).toEqual(["/public/%252e%252e/admin"]);
  });

  it("a null byte or an overlong UTF-8 byte as raw bytes in the request line → 400", async () => {
    for (const target of ["/api/public/\x00/admin", "/api/public/\xc0\xae\xc0\xae/admin"]) {
      const before = upstream.started.length;
      const response = await sendRaw(
        central.port,
        Buffer.from(`GET ${target} HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n`, "latin1"),
      );
      expect(response.status).toBe(400);
      expect(upstream.started.length).toBe(before);
    }
  });

  it("the query string is passed as is, but can never change the path", async () => {
    const { status, received } = await probe("/api/public/x?next=/../admin&%2e%2e=%2fadmin");
    expect(status).toBe(200);
    expect(received).toEqual(["/public/x?next=/../admin&%2e%2e=%2fadmin"]);
  });
});

describe("property: whatever the path, the upstream only sees paths under a prefix alice may reach", () => {
  const segment = fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e",
    "%252e%252e",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    "%00",
    "%c0%ae",
    ";",
    "..;x",
    ";x",
    "",
    "admin",
    "files",
    "api",
    "../files",
    "../admin",
    "a%20b",
    "%41",
    "~",
    "%",
    "%zz",
    "é",
  );
  it("holds for 150 generated paths through real HTTP", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (segments) => {
        const target = `/api/public/${segments.join("/")}`;
        const before = upstream.started.length;
        const token = await central.mint("GET", target);
        const response = await sendRaw(
          central.port,
          Buffer.from(
            `GET ${target} HTTP/1.1\r\nHost: c\r\nx-gateway-identity: ${token}\r\nConnection: close\r\n\r\n`,
            "utf8",
          ),
        );
        const received = upstream.started.slice(before);
        for (const path of received) {
          // alice may reach /api/public and /api/files (a `..` can legitimately lead there), nothing else.
          if (!staysUnder("/public", path) && !staysUnder("/files", path)) return false;
        }
        return [200, 400, 403, 404].includes(response.status);
      }),
      { numRuns: 150 },
    );
    await expectStillServing(central);
  });
});

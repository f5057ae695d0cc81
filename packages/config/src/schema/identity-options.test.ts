import { FOREIGN_IDENTITY_HEADERS } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { baseDocument, issuesOf } from "../../test/fixtures.ts";
import { validateConfig } from "../parse-config.ts";

describe("identity.hop, identity.stripHeaders, routes[].serviceToken", () => {
  it("expands 'default' in stripHeaders, lower-cases names, keeps own entries", () => {
    const doc = baseDocument();
    doc.identity = { stripHeaders: ["default", "X-Sso-*"] };
    expect(validateConfig(doc, {}).identity.stripHeaders).toEqual([...FOREIGN_IDENTITY_HEADERS, "x-sso-*"]);
    doc.identity = { stripHeaders: [] };
    expect(validateConfig(doc, {}).identity.stripHeaders).toEqual([]);
  });

  it("rejects a bad algorithm and a pattern with a * inside", () => {
    const doc = baseDocument();
    doc.identity = { hop: { algorithm: "RS256" }, stripHeaders: ["x-*-user"] };
    const issues = issuesOf(doc);
    expect(issues.some((i) => i.startsWith("identity.hop.algorithm:"))).toBe(true);
    expect(issues).toContain(
      'identity.stripHeaders[0]: must be "default", a header name, or a header-name prefix ending in "*" (e.g. x-auth-request-*)',
    );
  });

  it("serviceToken reuse defaults reuseSeconds to ttl/2 and bounds it", () => {
    const doc = baseDocument();
    doc.routes[0] = { ...doc.routes[0], serviceToken: "reuse" };
    expect(validateConfig(doc, {}).routes[0]).toMatchObject({ serviceToken: "reuse", reuseSeconds: 15 });
    doc.routes[0] = { ...doc.routes[0], serviceToken: "reuse", reuseSeconds: 16 };
    expect(issuesOf(doc)).toEqual([
      "routes[0].reuseSeconds: must be at most half of identity.ttlSeconds (15), so a reused token always has time left when it reaches the service",
    ]);
    doc.routes[0] = { ...doc.routes[0], serviceToken: "per-request", reuseSeconds: 5 };
    expect(issuesOf(doc)).toEqual(["routes[0].reuseSeconds: only applies with serviceToken: reuse"]);
  });
});

import { describe, expect, it } from "vitest";
import { rateLimitHeader, rateLimitPolicyHeader } from "./rate-limit-headers.ts";

describe("RateLimit-Policy / RateLimit serialisation", () => {
  it("writes each policy name as an sf-string, escaping backslash and double quote", () => {
    expect(
      rateLimitPolicyHeader([
        { name: "per-user", limit: 100, windowSeconds: 60 },
        { name: 'odd"na\\me', limit: 1000, windowSeconds: 3600 },
      ]),
    ).toBe('"per-user";q=100;w=60, "odd\\"na\\\\me";q=1000;w=3600');
    expect(rateLimitHeader('a"b', 0, 7)).toBe('"a\\"b";r=0;t=7');
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePath } from "./normalize-path.ts";

function normalised(raw: string): string {
  const result = normalizePath(raw);
  if (!result.ok) throw new Error(`expected "${raw}" to normalise, got: ${result.reason}`);
  return result.path;
}

describe("normalizePath: accepted inputs", () => {
  it.each([
    ["/", "/"],
    ["/api/users", "/api/users"],
    ["/api/users/", "/api/users/"],
    ["//admin", "/admin"],
    ["/api//users///1", "/api/users/1"],
    ["/api/./users", "/api/users"],
    ["/api/users/.", "/api/users/"],
    ["/api/users/..", "/api/"],
    ["/api/public/../admin", "/api/admin"],
    ["/api/public/%2e%2e/admin", "/api/admin"],
    ["/api/public/%2E%2e/admin", "/api/admin"],
    ["/api/public/.%2E/admin", "/api/admin"],
    ["/..", "/"],
    ["/../../etc/passwd", "/etc/passwd"],
    ["/a/b/../../../c", "/c"],
    ["/%61%70%69/users", "/api/users"],
    ["/api/%7euser", "/api/~user"],
    ["/api/a%2db%5fc", "/api/a-b_c"],
    ["/api/a%3fb", "/api/a%3Fb"],
    ["/api/a%3Fb", "/api/a%3Fb"],
    ["/api/100%25", "/api/100%25"],
    ["/api/%252e%252e/admin", "/api/%252e%252e/admin"],
    ["/caf%c3%a9", "/caf%C3%A9"],
    ["/emoji/%F0%9F%98%80", "/emoji/%F0%9F%98%80"],
    ["/a|b", "/a%7Cb"],
    ["/a[1]", "/a%5B1%5D"],
    ["/a;b=c/d", "/a;b=c/d"],
    ["/user@host:8080", "/user@host:8080"],
    ["/...", "/..."],
    ["/.hidden/..x", "/.hidden/..x"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizePath(raw)).toEqual({ ok: true, path: expected });
  });
});

describe("normalizePath: rejected inputs (attack table)", () => {
  it.each([
    ["", "path must start with /"],
    ["api/users", "path must start with /"],
    ["*", "path must start with /"],
    ["/api/public/..%2fadmin", "encoded slash (%2F)"],
    ["/api/public/..%2Fadmin", "encoded slash (%2F)"],
    ["/api/public/%2e%2e%2fadmin", "encoded slash (%2F)"],
    ["/api/public/..%5cadmin", "encoded backslash (%5C)"],
    ["/api/public/..\\admin", "backslash"],
    ["/api/users%00.json", "encoded null byte"],
    ["/api/users\u0000", "null byte"],
    ["/api/%c0%ae%c0%ae/admin", "invalid UTF-8 in percent-encoding"],
    ["/api/%c0%af", "invalid UTF-8 in percent-encoding"],
    ["/api/%e0%80%ae", "invalid UTF-8 in percent-encoding"],
    ["/api/%ed%a0%80", "invalid UTF-8 in percent-encoding"],
    ["/api/%f4%90%80%80", "invalid UTF-8 in percent-encoding"],
    ["/api/%c3", "invalid UTF-8 in percent-encoding"],
    ["/api/%c3%41", "invalid UTF-8 in percent-encoding"],
    ["/api/%80", "invalid UTF-8 in percent-encoding"],
    ["/api/%", "invalid percent-encoding"],
    ["/api/%2", "invalid percent-encoding"],
    ["/api/%zz", "invalid percent-encoding"],
    ["/api/%%32%65", "invalid percent-encoding"],
    ["/api/%0a", "encoded control character"],
    ["/api/%7F", "encoded control character"],
    ["/api/\n", "control character"],
    ["/api/\u007f", "control character"],
    ["/api/a b", "space character"],
    ["/api/café", "non-ASCII character (must be percent-encoded UTF-8)"],
    ["/api/users?x=1", '"?" in path'],
    ["/api/users#frag", '"#" in path'],
    ["/api/public/..;/admin", "dot segment with path parameters"],
    ["/api/public/.;x/admin", "dot segment with path parameters"],
    ["/api/public/%2e%2e%3b/admin", "dot segment with path parameters"],
  ])("%j is rejected: %s", (raw, reason) => {
    expect(normalizePath(raw)).toEqual({ ok: false, reason });
  });
});

// Paths built from the pieces attackers combine: dots, slashes, escapes of every kind.
const pathPiece = fc.oneof(
  fc.constantFrom(
    "/",
    "//",
    ".",
    "..",
    "%2e",
    "%2E",
    "%2e%2e",
    "%2f",
    "%5c",
    "\\",
    "%00",
    "%25",
    "%41",
    "%7e",
  ),
  fc.constantFrom(
    "%c0%ae",
    "%C3%A9",
    "%e2%82%ac",
    ";",
    "a",
    "api",
    "users",
    "admin",
    "public",
    "x",
    "%3B",
    "~",
  ),
  fc.string({ maxLength: 3, unit: "grapheme-ascii" }),
);
const attackPath = fc.array(pathPiece, { maxLength: 12 }).map((pieces) => `/${pieces.join("")}`);
const anyPath = fc.oneof(
  attackPath,
  fc.string({ maxLength: 30 }).map((s) => `/${s}`),
);

describe("normalizePath: properties", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(anyPath, (raw) => {
        const first = normalizePath(raw);
        if (!first.ok) return;
        expect(normalizePath(first.path)).toEqual(first);
      }),
      { numRuns: 3000 },
    );
  });

  it("never outputs empty or dot segments, encoded slashes or lowercase escapes", () => {
    fc.assert(
      fc.property(anyPath, (raw) => {
        const result = normalizePath(raw);
        if (!result.ok) return;
        const path = result.path;
        expect(path.startsWith("/")).toBe(true);
        expect(path).not.toContain("//");
        expect(path).not.toContain("\\");
        expect(`${path}/`).not.toMatch(/\/\.{1,2}\//);
        expect(path.toUpperCase()).not.toContain("%2F");
        expect(path.toUpperCase()).not.toContain("%5C");
        expect(path.toUpperCase()).not.toContain("%00");
        expect(path).not.toMatch(/%[0-9A-F]?[a-f]/);
        expect(path).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 3000 },
    );
  });

  it("never decodes a %25 into a new escape", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-F]{2}$/), (hex) => {
        expect(normalised(`/a/%25${hex}`)).toBe(`/a/%25${hex}`);
      }),
    );
  });
});

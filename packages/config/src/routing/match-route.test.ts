import type { RouteConfig } from "@gateway/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRouteMatcher } from "./match-route.ts";
import { normalizePath } from "./normalize-path.ts";
import { rewritePath } from "./rewrite-path.ts";

function route(name: string, path: string, rewrite?: string): RouteConfig {
  return {
    name,
    path,
    methods: ["GET"],
    auth: "jwt",
    issuers: [],
    roles: [],
    scopes: [],
    upstream: { urls: ["http://127.0.0.1:1"] },
    ...(rewrite === undefined ? {} : { rewrite }),
    timeoutMs: 1000,
    maxBodyBytes: 1024,
    rateLimit: [],
    edgeRateLimit: [],
  };
}

const routes = [
  route("users", "/api/users", "/users"),
  route("user-admin", "/api/users/admin"),
  route("public", "/api/public", "/public"),
  route("admin", "/api/admin", "/admin"),
  route("root-api", "/api"),
];

describe("createRouteMatcher", () => {
  const matcher = createRouteMatcher(routes);

  it.each([
    ["/api/users", "users"],
    ["/api/users/", "users"],
    ["/api/users/1", "users"],
    ["/api/users/1/posts", "users"],
    ["/api/users/admin", "user-admin"],
    ["/api/users/admin/x", "user-admin"],
    ["/api/usersX", "root-api"],
    ["/api/users-admin", "root-api"],
    ["/api", "root-api"],
    ["/api/", "root-api"],
    ["/api/admin", "admin"],
    ["/apix", undefined],
    ["/", undefined],
    ["/other", undefined],
    ["", undefined],
    ["api/users", undefined],
  ])("%s → %s", (path, expected) => {
    expect(matcher.match(path)?.name).toBe(expected);
  });

  it("a route at / matches everything not matched by a longer prefix", () => {
    const withRoot = createRouteMatcher([route("root", "/"), route("users", "/api/users")]);
    expect(withRoot.match("/")?.name).toBe("root");
    expect(withRoot.match("/anything/else")?.name).toBe("root");
    expect(withRoot.match("/api/users/1")?.name).toBe("users");
  });

  it("rejects duplicate paths", () => {
    expect(() => createRouteMatcher([route("a", "/x"), route("b", "/x")])).toThrow(
      'duplicate route path "/x"',
    );
  });

  it.each([
    ["/api/public/..%2fadmin", undefined],
    ["/api/public/%2e%2e/admin", "admin"],
    ["//api/admin", "admin"],
    ["/api/public/..\\admin", undefined],
    ["/api/public/%2E%2E/admin", "admin"],
    ["/api/public/..;/admin", undefined],
    ["/api/public/%c0%ae%c0%ae/admin", undefined],
    ["/api/public/x/../../admin", "admin"],
  ])("attack %s: rejected or matched by its normalised path only (→ %s)", (raw, expected) => {
    const result = normalizePath(raw);
    expect(result.ok ? matcher.match(result.path)?.name : undefined).toBe(expected);
  });
});

const segment = fc.constantFrom(
  "api",
  "users",
  "admin",
  "public",
  "usersX",
  "1",
  ".",
  "..",
  "%2e%2e",
  "%2E",
  "",
  "a;b",
);
const rawPath = fc.array(segment, { maxLength: 8 }).map((parts) => `/${parts.join("/")}`);

function isSegmentPrefix(prefix: string, path: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
}

describe("route matching properties", () => {
  const matcher = createRouteMatcher(routes);

  it("the matched route's path is a segment prefix of the normalised path, and the longest one", () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const result = normalizePath(raw);
        if (!result.ok) return;
        const matched = matcher.match(result.path);
        const candidates = routes.filter((r) => isSegmentPrefix(r.path, result.path));
        const longest = candidates.sort((a, b) => b.path.length - a.path.length)[0];
        expect(matched).toBe(longest);
        if (matched) expect(isSegmentPrefix(matched.path, result.path)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("matching depends only on the normalised path: equal normal forms match the same route", () => {
    fc.assert(
      fc.property(rawPath, rawPath, (a, b) => {
        const na = normalizePath(a);
        const nb = normalizePath(b);
        if (!na.ok || !nb.ok || na.path !== nb.path) return;
        expect(matcher.match(na.path)).toBe(matcher.match(nb.path));
      }),
      { numRuns: 3000 },
    );
  });

  it("a raw path starting under a route only matches a route the normalised path is really under", () => {
    fc.assert(
      fc.property(fc.constantFrom(...routes), rawPath, (start, suffix) => {
        const result = normalizePath(`${start.path}${suffix}`);
        if (!result.ok) return;
        const matched = matcher.match(result.path);
        if (matched) expect(isSegmentPrefix(matched.path, result.path)).toBe(true);
        if (matched && matched !== start && !isSegmentPrefix(start.path, matched.path)) {
          expect(isSegmentPrefix(start.path, result.path)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("the rewritten path never escapes the rewrite prefix", () => {
    fc.assert(
      fc.property(rawPath, (raw) => {
        const result = normalizePath(`/api/users${raw}`);
        if (!result.ok) return;
        const matched = matcher.match(result.path);
        if (matched?.name !== "users") return;
        const upstreamPath = rewritePath(matched, result.path);
        expect(isSegmentPrefix("/users", upstreamPath)).toBe(true);
        expect(normalizePath(upstreamPath)).toEqual({ ok: true, path: upstreamPath });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("rewritePath", () => {
  it.each([
    ["/api/users", "/users", "/api/users", "/users"],
    ["/api/users", "/users", "/api/users/", "/users/"],
    ["/api/users", "/users", "/api/users/1/posts", "/users/1/posts"],
    ["/api/users", "/", "/api/users", "/"],
    ["/api/users", "/", "/api/users/1", "/1"],
    ["/", "/v1", "/", "/v1"],
    ["/", "/v1", "/a/b", "/v1/a/b"],
    ["/api/users", undefined, "/api/users/1", "/api/users/1"],
  ])("%s (rewrite %s): %s → %s", (prefix, rewrite, path, expected) => {
    expect(rewritePath({ path: prefix, rewrite }, path)).toBe(expected);
  });

  it("refuses a path outside the route", () => {
    expect(() => rewritePath({ path: "/api/users", rewrite: "/u" }, "/api/usersX")).toThrow(
      'path "/api/usersX" is not under route path "/api/users"',
    );
  });
});

describe("route matching against random route tables", () => {
  const routeSegment = fc.constantFrom("a", "b", "ab", "users", "x.y", "~z");
  const routePath = fc.array(routeSegment, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
  const routeTable = fc
    .uniqueArray(routePath, { minLength: 1, maxLength: 8 })
    .map((paths) => paths.map((path, index) => route(`r${index}`, path)));
  const requestPath = fc
    .array(fc.constantFrom("a", "b", "ab", "users", "x.y", "~z", "%7Ez", "..", ".", "", "%2e%2e", "abc"), {
      maxLength: 7,
    })
    .map((parts) => `/${parts.join("/")}`);

  it("always returns the brute-force longest segment prefix of the normalised path", () => {
    fc.assert(
      fc.property(routeTable, requestPath, (table, raw) => {
        const result = normalizePath(raw);
        if (!result.ok) return;
        const expected = table
          .filter((r) => isSegmentPrefix(r.path, result.path))
          .sort((a, b) => b.path.length - a.path.length)[0];
        expect(createRouteMatcher(table).match(result.path)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

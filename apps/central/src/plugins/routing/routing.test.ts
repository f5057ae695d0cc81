import type { IdentityClaims } from "@gateway/types";
import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { bodyOf, rawRequest, statusLine } from "../../../test/support/raw-http.ts";
import { route } from "../../../test/support/routes.ts";
import { gatewayContext } from "../../context.ts";
import { authorizationError } from "./authorize.ts";
import { createRouting } from "./index.ts";

const claims = (overrides: Partial<IdentityClaims> = {}): IdentityClaims => ({
  sub: "dave",
  roles: ["reader"],
  scopes: ["read"],
  auth: "jwt",
  iss: "edge",
  aud: "central",
  iat: 0,
  exp: 30,
  jti: "0123456789abcdef",
  htm: "GET",
  htp: "x",
  ...overrides,
});

const routes = [
  route({ name: "docs", path: "/docs", methods: ["GET", "HEAD"] }),
  route({ name: "docs-admin", path: "/docs/admin", roles: ["admin"] }),
  route({ name: "root", path: "/", auth: "public" }),
];

/** Identity arrives through a test-only header so each request can choose its claims. */
const fakeIdentity: RequestHandler = (req, res, next) => {
  const raw = req.headers["x-test-claims"];
  gatewayContext(res).identity = claims(typeof raw === "string" ? JSON.parse(raw) : {});
  next();
};

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([fakeIdentity, createRouting(routes)], (_req, res) => {
    const context = gatewayContext(res);
    res.json({ route: context.route?.name, path: context.path });
  });
});
afterAll(() => app.close());

async function get(target: string, method = "GET", identity: Partial<IdentityClaims> = {}) {
  const response = await rawRequest(
    app.port,
    `${method} ${target} HTTP/1.1\r\nHost: x\r\nx-test-claims: ${JSON.stringify(identity)}\r\nConnection: close\r\n\r\n`,
  );
  return { status: statusLine(response), body: bodyOf(response), raw: response };
}

describe("routing", () => {
  it("matches the longest prefix of the normalised path", async () => {
    expect(JSON.parse((await get("/docs/guide/../intro?x=1")).body)).toEqual({
      route: "docs",
      path: "/docs/intro",
    });
    expect(JSON.parse((await get("/elsewhere")).body)).toEqual({ route: "root", path: "/elsewhere" });
  });

  it("400 invalid_path for paths normalisation refuses", async () => {
    const response = await get("/docs/%2fetc");
    expect(response.status).toBe("HTTP/1.1 400 Bad Request");
    expect(response.body).toContain('"code":"invalid_path"');
  });

  it("405 with Allow listing the route's methods", async () => {
    const response = await get("/docs", "POST");
    expect(response.status).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(response.raw).toMatch(/\r\nallow: GET, HEAD\r\n/i);
  });

  it("403 when a required role is missing, even under a public parent", async () => {
    expect((await get("/docs/admin/x")).status).toBe("HTTP/1.1 403 Forbidden");
    expect((await get("/docs/admin/x", "GET", { roles: ["admin"] })).status).toBe("HTTP/1.1 200 OK");
  });
});

describe("authorizationError", () => {
  const cases: Array<[string, Partial<IdentityClaims>, string | undefined]> = [
    ["public", { auth: "anonymous" }, undefined],
    ["public", { auth: "api_key" }, undefined],
    ["jwt", { auth: "anonymous" }, "unauthorized"],
    ["jwt", { auth: "api_key" }, "forbidden"],
    ["jwt", { auth: "jwt" }, undefined],
    ["api_key", { auth: "jwt" }, "forbidden"],
    ["api_key", { auth: "api_key" }, undefined],
    ["any", { auth: "api_key" }, undefined],
    ["any", { auth: "jwt" }, undefined],
    ["any", { auth: "anonymous" }, "unauthorized"],
  ];
  it.each(cases)("route auth %s with %o → %s", (auth, identity, expected) => {
    const error = authorizationError(route({ name: "r", path: "/r", auth: auth as never }), claims(identity));
    expect(error?.code).toBe(expected);
  });

  it("requires every role and every scope", () => {
    const guarded = route({ name: "r", path: "/r", roles: ["a", "b"], scopes: ["s"] });
    expect(authorizationError(guarded, claims({ roles: ["a"], scopes: ["s"] }))?.code).toBe("forbidden");
    expect(authorizationError(guarded, claims({ roles: ["a", "b"], scopes: [] }))?.code).toBe("forbidden");
    expect(authorizationError(guarded, claims({ roles: ["b", "a", "c"], scopes: ["s"] }))).toBeUndefined();
  });
});

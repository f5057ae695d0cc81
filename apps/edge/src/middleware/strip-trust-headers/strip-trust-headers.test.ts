import { FOREIGN_IDENTITY_HEADERS, headerNameMatcher } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { bearer, createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { sanitiseClientHeaders } from "./strip-trust-headers.ts";

const FORGED = {
  "x-user-id": "admin",
  "x-user-roles": "admin",
  "x-gateway-identity": "forged.token.value",
  "x-gateway-anything": "1",
  "x-consumer-id": "c-1",
  "x-auth-user": "root",
  forwarded: "for=10.0.0.1;proto=https",
  "x-forwarded-for": "10.0.0.1",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "https",
  "x-real-ip": "10.0.0.1",
  "x-original-url": "/admin",
  "x-http-method-override": "DELETE",
};

describe("client trust headers", () => {
  it("never reach central on an authenticated route; central sees only the edge's values", async () => {
    const { app } = await createFixture();
    const response = await app.request("/api/items/1", {
      headers: { ...FORGED, ...bearer(await signToken()), "x-kept": "yes" },
    });
    const seen = await recorded(response);
    for (const name of ["x-user-id", "x-user-roles", "x-gateway-anything", "x-consumer-id", "x-auth-user"]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
    for (const name of [
      "forwarded",
      "x-forwarded-for",
      "x-real-ip",
      "x-original-url",
      "x-http-method-override",
    ]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
    expect(seen.headers["x-gateway-identity"]).not.toBe("forged.token.value");
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "user-1", roles: [] } });
    // The client's values are gone; the edge's own travel only as signed claims.
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen.headers["x-forwarded-proto"]).toBeUndefined();
    expect(seen.identity).toMatchObject({ ok: true, claims: { xfp: "http", xfh: "localhost" } });
    expect(seen.headers["x-kept"]).toBe("yes");
  });

  it("never reach central on a public route either", async () => {
    const { app } = await createFixture();
    const seen = await recorded(await app.request("/api/public/x", { headers: FORGED }));
    expect(seen.headers["x-user-id"]).toBeUndefined();
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "anonymous", auth: "anonymous" } });
  });

  it("sanitiseClientHeaders drops trust, hop-by-hop, Connection-listed and Host headers", () => {
    const cleaned = sanitiseClientHeaders(
      new Headers({
        connection: "close, X-Custom-Hop",
        "x-custom-hop": "1",
        "transfer-encoding": "chunked",
        host: "api.example.com",
        "X-User-Id": "7",
        accept: "application/json",
      }),
    );
    expect([...cleaned.keys()]).toEqual(["accept"]);
  });
});

describe("identity headers of other proxies (identity.stripHeaders)", () => {
  const FOREIGN = {
    "X-Forwarded-User": "admin",
    "X-Forwarded-Email": "admin@example.com",
    "X-Forwarded-Groups": "admins",
    "X-Forwarded-Preferred-Username": "admin",
    "X-Auth-Request-Email": "admin@example.com",
    "Remote-User": "admin",
    "X-Remote-User": "admin",
    "X-Credential-Identifier": "admin",
    "X-Authenticated-Userid": "admin",
    "X-Userinfo": "e30",
    "X-Jwt-Assertion": "x.y.z",
    "Cf-Access-Authenticated-User-Email": "admin@example.com",
  };

  it("never reach central with the default list", async () => {
    const { app, config } = await createFixture();
    expect(config.identity.stripHeaders).toEqual([...FOREIGN_IDENTITY_HEADERS]);
    const response = await app.request("/api/items/1", {
      headers: { ...FOREIGN, ...bearer(await signToken()), "x-kept": "yes" },
    });
    const seen = await recorded(response);
    for (const name of Object.keys(FOREIGN)) expect(seen.headers[name.toLowerCase()], name).toBeUndefined();
    expect(seen.headers["x-kept"]).toBe("yes");
  });

  it("sanitiseClientHeaders applies a configured list: exact names and * prefixes", () => {
    const cleaned = sanitiseClientHeaders(
      new Headers({ "x-sso-user": "a", "x-sso-groups": "b", "remote-user": "c", accept: "*/*" }),
      headerNameMatcher(["x-sso-*", "Remote-User"]),
    );
    expect([...cleaned.keys()]).toEqual(["accept"]);
  });
});

describe("connection-level headers", () => {
  it("drops TE, Trailer and other Upgrade requests before forwarding", async () => {
    const { app } = await createFixture();
    const seen = await recorded(
      await app.request("/api/public/x", {
        headers: {
          te: "trailers, deflate",
          trailer: "x-checksum",
          upgrade: "h2c",
          "proxy-connection": "keep-alive",
        },
      }),
    );
    for (const name of ["te", "trailer", "upgrade", "proxy-connection"]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
  });
});

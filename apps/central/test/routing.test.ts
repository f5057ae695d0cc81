import { IDENTITY_HEADER } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { useCentralWithUpstream } from "./support/central-with-upstream.ts";
import type { CentralUnderTest } from "./support/harness.ts";
import { bodyOf, rawRequest, statusLine } from "./support/raw-http.ts";
import type { RecordingUpstream } from "./support/upstream.ts";

let upstream: RecordingUpstream;
let central: CentralUnderTest;
useCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});

async function call(method: string, target: string, identity = {}): Promise<Response> {
  return fetch(central.url + target, {
    method,
    headers: { [IDENTITY_HEADER]: await central.mint(method, target, identity) },
  });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("routing", () => {
  it("answers 404 not_found for a path no route covers (segment boundaries respected)", async () => {
    for (const target of ["/nowhere", "/api/usersX", "/api"]) {
      const response = await call("GET", target);
      expect(response.status, target).toBe(404);
      expect(await errorCode(response)).toBe("not_found");
    }
  });

  it("answers 405 with Allow for a method the route does not accept", async () => {
    const response = await call("DELETE", "/api/users/1");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST, PUT");
    expect(await errorCode(response)).toBe("method_not_allowed");
  });

  // fetch would normalise these targets itself; raw sockets send them exactly as written (and as signed).
  async function rawCall(target: string, identity = {}): Promise<{ status: string; code?: string }> {
    const token = await central.mint("GET", target, identity);
    const response = await rawRequest(
      central.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\n${IDENTITY_HEADER}: ${token}\r\nConnection: close\r\n\r\n`,
    );
    const body = bodyOf(response);
    return {
      status: statusLine(response),
      code: body.startsWith('{"error"') ? JSON.parse(body).error.code : undefined,
    };
  }

  it("normalises the path before matching and forwards only the normalised form", async () => {
    const response = await rawCall("/api/public/../users//3/./profile");
    expect(response.status).toBe("HTTP/1.1 200 OK");
    expect(upstream.requests.at(-1)?.url).toBe("/users/3/profile");
  });

  it("cannot be walked out of a route by traversal", async () => {
    // Normalisation lands on /api/admin, which needs roles alice does not have.
    const climb = await rawCall("/api/users/%2e%2e/admin/secrets");
    expect(climb).toEqual({ status: "HTTP/1.1 403 Forbidden", code: "forbidden" });
    const up = upstream.requests.length;
    for (const target of [
      "/api/users/%2e%2e%2fadmin",
      "/api/users/..%5cadmin",
      "/api/users/%00",
      "/api/users/..;/admin",
    ]) {
      expect(await rawCall(target), target).toEqual({
        status: "HTTP/1.1 400 Bad Request",
        code: "invalid_path",
      });
    }
    expect(upstream.requests.length).toBe(up);
  });

  it("rejects raw traversal bytes that fetch would normalise away (raw socket)", async () => {
    const target = "/api/public/..\\..\\etc/passwd";
    const token = await central.mint("GET", target);
    const response = await rawRequest(
      central.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\n${IDENTITY_HEADER}: ${token}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLine(response)).toBe("HTTP/1.1 400 Bad Request");
    expect(JSON.parse(bodyOf(response)).error.code).toBe("invalid_path");
  });
});

describe("authorisation re-checked against the signed claims", () => {
  it("public routes accept anonymous identities", async () => {
    const response = await call("GET", "/api/public/info", {
      sub: "anonymous",
      auth: "anonymous",
      roles: [],
      scopes: [],
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe("/info");
  });

  it("jwt routes refuse anonymous (401) and api keys (403)", async () => {
    const anonymous = await call("GET", "/api/users", {
      sub: "anonymous",
      auth: "anonymous",
      roles: [],
      scopes: [],
    });
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe("unauthorized");
    const apiKey = await call("GET", "/api/users", { auth: "api_key" });
    expect(apiKey.status).toBe(403);
    expect(await errorCode(apiKey)).toBe("forbidden");
  });

  it("'any' routes take jwt and api keys", async () => {
    expect((await call("POST", "/api/small", { auth: "api_key" })).status).toBe(200);
    expect((await call("POST", "/api/small", { auth: "jwt" })).status).toBe(200);
  });

  it("requires every configured role and scope", async () => {
    expect((await call("GET", "/api/admin", { roles: ["user"], scopes: ["admin:read"] })).status).toBe(403);
    expect((await call("GET", "/api/admin", { roles: ["admin"], scopes: [] })).status).toBe(403);
    const allowed = await call("GET", "/api/admin/report?day=1", {
      roles: ["admin"],
      scopes: ["admin:read"],
    });
    expect(allowed.status).toBe(200);
    expect(upstream.requests.at(-1)?.url).toBe("/internal/api/admin/report?day=1");
  });
});

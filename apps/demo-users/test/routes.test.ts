import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startDemoUsers } from "./harness.ts";

let demo: Harness;
beforeAll(async () => {
  demo = await startDemoUsers();
});
afterAll(() => demo.close());

function postUser(body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  return demo.call("/users", { method: "POST", body, headers });
}

describe("users", () => {
  it("lists and fetches seed users, and 404s an unknown id", async () => {
    const one = await demo.call("/users/u1");
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: "u1", email: "alice@example.com" });
    const missing = await demo.call("/users/u999");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
  });

  it("creates a valid user with 201 and a Location that resolves", async () => {
    const response = await postUser(
      JSON.stringify({ name: " Carol ", email: "Carol@Example.com", roles: ["ops"] }),
    );
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({ name: "Carol", email: "carol@example.com", roles: ["ops"] });
    expect(response.headers.get("location")).toBe(`/users/${created.id}`);
    const fetched = await demo.call(`/users/${created.id}`);
    expect(await fetched.json()).toEqual(created);
  });

  it.each([
    ["a missing email", { name: "Dan" }, '"email"'],
    ["a malformed email", { name: "Dan", email: "not-an-email" }, '"email"'],
    ["a blank name", { name: "  ", email: "dan@example.com" }, '"name"'],
    ["non-string roles", { name: "Dan", email: "dan@example.com", roles: [1] }, '"roles"'],
    ["an unknown field", { name: "Dan", email: "dan@example.com", admin: true }, '"admin"'],
    ["an array body", [], "JSON object"],
  ])("rejects %s with 400 naming the problem", async (_case, body, mentioned) => {
    const response = await postUser(JSON.stringify(body));
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain(mentioned);
  });

  it("rejects invalid JSON, a non-JSON content type and a body over 1 MB", async () => {
    const broken = await postUser("{not json");
    expect(broken.status).toBe(400);
    const text = await postUser("name=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe("unsupported_media_type");
    const huge = JSON.stringify({ name: "x".repeat(1024 * 1024), email: "big@example.com" });
    const tooLarge = await postUser(huge);
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error.code).toBe("payload_too_large");
  });

  it("answers 405 with Allow for a known path and a wrong method", async () => {
    const response = await demo.call("/users", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST");
  });
});

describe("echo", () => {
  it("GET /users/me returns the verified identity and the headers that arrived", async () => {
    const response = await demo.call("/users/me?probe=1", {
      identity: { sub: "bob", roles: ["user", "ops"], scopes: ["users:read"], tenant: "acme" },
      headers: { "x-request-id": "req-me-1", "x-custom-probe": "kept" },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.identity).toMatchObject({
      sub: "bob",
      roles: ["user", "ops"],
      scopes: ["users:read"],
      auth: "jwt",
      tenant: "acme",
      iss: "central",
      aud: "users",
    });
    expect(body.method).toBe("GET");
    expect(body.target).toBe("/users/me?probe=1");
    expect(body.headers).toMatchObject({ "x-request-id": "req-me-1", "x-custom-probe": "kept" });
    expect(body.headers["x-gateway-identity"]).toEqual(expect.any(String));
  });

  it("/echo/* echoes any method, target, headers and body", async () => {
    const response = await demo.call("/echo/deep/path?a=1&b=2", {
      method: "PUT",
      body: "hello body",
      headers: { "content-type": "text/plain", "x-forwarded-for": "203.0.113.9" },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ method: "PUT", target: "/echo/deep/path?a=1&b=2", body: "hello body" });
    expect(body.headers).toMatchObject({ "content-type": "text/plain", "x-forwarded-for": "203.0.113.9" });
    expect(body.identity.sub).toBe("alice");
  });
});

describe("public, admin and slow routes", () => {
  it("/public/hello answers the anonymous identity central signed", async () => {
    const response = await demo.call("/public/hello", {
      identity: { sub: "anonymous", auth: "anonymous", roles: [], scopes: [] },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "hello", sub: "anonymous", auth: "anonymous" });
  });

  it("/public/hello still requires an identity", async () => {
    const response = await fetch(`${demo.baseUrl}/public/hello`);
    expect(response.status).toBe(401);
  });

  it("/admin/stats requires the admin role", async () => {
    const user = await demo.call("/admin/stats");
    expect(user.status).toBe(403);
    expect((await user.json()).error.code).toBe("forbidden");
    const admin = await demo.call("/admin/stats", { identity: { roles: ["admin"] } });
    expect(admin.status).toBe(200);
    const stats = await admin.json();
    expect(stats.users).toBeGreaterThanOrEqual(2);
    expect(stats.requestsServed).toBeGreaterThan(0);
  });

  it("/slow waits the requested time", async () => {
    const startedAt = performance.now();
    const response = await demo.call("/slow?ms=150");
    expect(await response.json()).toEqual({ sleptMs: 150 });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it("/slow rejects more than 30000 ms and non-integers", async () => {
    for (const ms of ["30001", "-1", "1.5", "abc"]) {
      const response = await demo.call(`/slow?ms=${ms}`);
      expect(response.status).toBe(400);
    }
  });

  it("/slow stops waiting when the caller gives up, and logs the abort", async () => {
    const target = "/slow?ms=20000";
    const headers = {
      "x-gateway-identity": await demo.identityFor("GET", target),
      "x-request-id": "req-abort-1",
    };
    await expect(
      fetch(`${demo.baseUrl}${target}`, { headers, signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
    await expect
      .poll(() => demo.logs.find((line) => line.requestId === "req-abort-1"))
      .toMatchObject({ aborted: true });
  });
});

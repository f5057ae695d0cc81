// API keys end to end: client → edge (wrangler dev, workerd) → central (Node,
// admin API + key verification) → demo-users. The stack runs the repository's
// config with short edge cache TTLs, so revocations show within seconds.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type RunningStack } from "../../../scripts/stack.ts";
import { startTestStack } from "./support.ts";

const CACHE_TTL_SECONDS = 2;

interface Echo {
  target: string;
  identity: { sub: string; auth: string; roles: string[]; scopes: string[]; tenant?: string; iss: string };
  headers: Record<string, string>;
}

let stack: RunningStack;
let output: string[];
const issuedKeys: string[] = [];

function configWithShortTtls(): string {
  const source = readFileSync(join(REPO_ROOT, "gateway.config.yaml"), "utf8");
  const changed = source
    .replace(/cacheTtlSeconds: \d+/, `cacheTtlSeconds: ${CACHE_TTL_SECONDS}`)
    .replace(/negativeCacheTtlSeconds: \d+/, "negativeCacheTtlSeconds: 1");
  if (changed === source) throw new Error("gateway.config.yaml has no apiKeys cache TTLs to shorten");
  const file = join(mkdtempSync(join(tmpdir(), "gw-e2e-keys-")), "gateway.config.yaml");
  writeFileSync(file, changed);
  return file;
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.urls.centralAdmin}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function newConsumer(fields: Record<string, unknown> = {}): Promise<string> {
  const id = `e2e-${crypto.randomUUID()}`;
  await admin("POST", "/v1/consumers", {
    id,
    name: "E2E",
    roles: ["partner"],
    scopes: ["users:read"],
    ...fields,
  });
  return id;
}

async function newKey(consumer: string, body: Record<string, unknown> = {}) {
  const created = await admin<{ key: string; record: { id: string } }>(
    "POST",
    `/v1/consumers/${consumer}/keys`,
    body,
  );
  issuedKeys.push(created.key);
  return { key: created.key, id: created.record.id };
}

const withKey = (key: string, path = "/api/partners/me") =>
  fetch(`${stack.urls.edge}${path}`, { headers: { "x-api-key": key } });

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

beforeAll(async () => {
  ({ stack, output } = await startTestStack(configWithShortTtls()));
  issuedKeys.push(stack.demoKey);
});

afterAll(async () => {
  await stack?.stop();
});

describe("API keys through edge and central", () => {
  it("the dev stack's demo key works out of the box", async () => {
    const response = await withKey(stack.demoKey);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).identity).toMatchObject({ sub: "demo", auth: "api_key" });
  });

  it("create → use: the service sees the consumer's identity, signed by central, and no key", async () => {
    const consumer = await newConsumer({ tenant: "acme" });
    const { key } = await newKey(consumer);
    const response = await withKey(key);
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.identity).toMatchObject({
      sub: consumer,
      auth: "api_key",
      roles: ["partner"],
      scopes: ["users:read"],
      tenant: "acme",
      iss: "central",
    });
    expect(echo.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(echo)).not.toContain(key);
    const bearer = await fetch(`${stack.urls.edge}/api/partners/me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(bearer.status).toBe(200);
  });

  it("a key in the query string is accepted and stripped before the service sees it", async () => {
    const { key } = await newKey(await newConsumer());
    const response = await fetch(`${stack.urls.edge}/api/partners/me?page=2&api_key=${key}&sort=name`);
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.target).toBe("/users/me?page=2&sort=name");
    expect(JSON.stringify(echo)).not.toContain(key);
  });

  it("rotate: both keys work during the overlap; revoke: the old key is refused within the cache TTL", async () => {
    const consumer = await newConsumer();
    const old = await newKey(consumer);
    expect((await withKey(old.key)).status).toBe(200);
    const rotated = await admin<{ key: string }>("POST", `/v1/keys/${old.id}/rotate`, {
      overlapSeconds: 600,
    });
    issuedKeys.push(rotated.key);
    expect((await withKey(old.key)).status).toBe(200);
    expect((await withKey(rotated.key)).status).toBe(200);

    await admin("POST", `/v1/keys/${old.id}/revoke`);
    const revokedAt = Date.now();
    await expect
      .poll(async () => (await withKey(old.key)).status, { timeout: 20_000, interval: 250 })
      .toBe(401);
    // The edge caches a verdict for cacheTtlSeconds: the refusal cannot come much later (generous slack for a loaded machine).
    expect(Date.now() - revokedAt).toBeLessThan(CACHE_TTL_SECONDS * 1000 + 10_000);
    expect(await codeOf(await withKey(old.key))).toBe("api_key_revoked");
    expect((await withKey(rotated.key)).status).toBe(200);
  });

  it("an expired key is refused with its own code; unknown and missing keys with theirs", async () => {
    const { key } = await newKey(await newConsumer(), { expiresInSeconds: 1 });
    await expect.poll(async () => (await withKey(key)).status, { timeout: 20_000, interval: 250 }).toBe(401);
    expect(await codeOf(await withKey(key))).toBe("api_key_expired");

    const unknown = await withKey(`gw_test_${"Q".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(await codeOf(unknown)).toBe("invalid_api_key");
    const missing = await fetch(`${stack.urls.edge}/api/partners/me`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('ApiKey realm="gateway"');
    expect(await codeOf(missing)).toBe("unauthorized");
  });

  it("a key on a JWT route is a 403", async () => {
    const response = await withKey(stack.demoKey, "/api/users/me");
    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe("forbidden");
  });

  it("a consumer's own rate-limit policy applies to its keys (partner-trial: 5 per minute)", async () => {
    const consumer = await newConsumer({ rateLimit: ["partner-trial"] });
    const { key } = await newKey(consumer);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await withKey(key)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    // Another consumer is not affected.
    expect((await withKey(stack.demoKey)).status).toBe(200);
  });

  it("the admin API refuses unauthenticated calls and is not reachable through the edge", async () => {
    const anonymous = await fetch(`${stack.urls.centralAdmin}/v1/consumers`);
    expect(anonymous.status).toBe(401);
    expect(await codeOf(anonymous)).toBe("unauthorized");
    const wrong = await fetch(`${stack.urls.centralAdmin}/v1/consumers`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const viaEdge = await fetch(`${stack.urls.edge}/v1/consumers`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(viaEdge.status).toBe(404);
    const verifyViaEdge = await fetch(`${stack.urls.edge}/_gateway/keys/verify`, {
      method: "POST",
      body: JSON.stringify({ key: stack.demoKey }),
    });
    expect(verifyViaEdge.status).toBe(404);
  });

  it("no key, and not the admin credential, ever appears in any tier's log", async () => {
    // Every request above has been logged by now: the edge and central log when a response ends.
    await expect
      .poll(() => output.some((line) => line.startsWith("edge:") && line.includes("/api/partners")))
      .toBe(true);
    const logs = output.join("\n");
    expect(logs).toContain("admin request");
    expect(issuedKeys.length).toBeGreaterThan(5);
    for (const secret of [...issuedKeys, stack.adminToken]) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice(12));
    }
  });
});

// Consumers and API keys at central, through three real replicas (separate
// `node src/main.ts` processes) sharing one Redis: the admin API on its own
// port and credential, the edge's verification endpoint, per-consumer limits
// that are exact across replicas, and no key material in any log.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createHmacIdentitySigner,
  generateHopSecret,
  generateIdentityKeyPair,
  type IdentitySigner,
} from "@gateway/identity";
import { freePort } from "@gateway/testing";
import { IDENTITY_HEADER, type Identity, KEY_VERIFIER_SUBJECT, KEY_VERIFY_PATH } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const CLI = fileURLToPath(new URL("../src/consumers/cli.ts", import.meta.url));
const LIMIT = 10;
const ADMIN_TOKEN = randomBytes(32).toString("base64url");
const PEPPER = randomBytes(32).toString("base64url");

interface Replica {
  url: string;
  admin: string;
  child: ChildProcess;
  exit: Promise<unknown>;
  logs: string[];
}

let dir: string;
let upstream: RecordingUpstream;
let signer: IdentitySigner;
let replicas: Replica[] = [];

const config = (upstreamUrl: string) => `version: 1
identity: { ttlSeconds: 30, clockSkewSeconds: 5, replayProtection: true }
rateLimits:
  policies:
    - { name: per-key, algorithm: sliding_window, limit: ${LIMIT}, windowSeconds: 3600, key: [consumer], failMode: closed }
routes:
  - { name: items, path: /items, methods: [GET], auth: api_key, upstream: ${upstreamUrl} }
`;

async function startReplica(configFile: string, env: Record<string, string>): Promise<Replica> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      ...env,
      GATEWAY_CONFIG: configFile,
      CENTRAL_PORT: String(port),
      CENTRAL_HOST: "127.0.0.1",
      CENTRAL_ADMIN_PORT: String(adminPort),
      CENTRAL_ADMIN_TOKEN: ADMIN_TOKEN,
      API_KEY_PEPPER: PEPPER,
      REDIS_URL: inject("redisUrl"),
      LOG_LEVEL: "debug",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exit = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${url}/readyz`).catch(() => undefined);
    if (ready?.ok && logs.some((line) => line.includes("admin API listening"))) {
      return { url, admin: `http://127.0.0.1:${adminPort}`, child, exit, logs };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`central replica did not become ready:\n${logs.join("\n")}`);
}

function admin(replica: Replica, method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  return fetch(`${replica.admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function adminJson<T>(replica: Replica, method: string, path: string, body?: unknown): Promise<T> {
  const response = await admin(replica, method, path, body);
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function verify(replica: Replica, key: string, identity?: Identity): Promise<Response> {
  const token = await signer.sign({
    identity: identity ?? { sub: KEY_VERIFIER_SUBJECT, auth: "anonymous", roles: [], scopes: [] },
    audience: "central",
    method: "POST",
    pathAndQuery: KEY_VERIFY_PATH,
  });
  return fetch(`${replica.url}${KEY_VERIFY_PATH}`, {
    method: "POST",
    headers: { [IDENTITY_HEADER]: token, "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
}

const verdictOf = async (replica: Replica, key: string) =>
  (await (await verify(replica, key)).json()) as Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-keys-"));
  upstream = await startUpstream();
  const edgeHop = generateHopSecret("edge-hop-k");
  const central = await generateIdentityKeyPair("central-k");
  signer = await createHmacIdentitySigner({ secretJwk: edgeHop, issuer: "edge", ttlSeconds: 30 });
  await writeFile(join(dir, "gateway.config.yaml"), config(upstream.url));
  const env = {
    EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
    CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
  };
  replicas = await Promise.all([0, 1, 2].map(() => startReplica(join(dir, "gateway.config.yaml"), env)));
}, 30_000);

afterAll(async () => {
  for (const replica of replicas) replica.child.kill("SIGTERM");
  await Promise.all(replicas.map((replica) => replica.exit));
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

const replica = (i: number) => replicas[i] as Replica;

describe("admin API", () => {
  it("refuses calls without the admin credential, with the JSON error shape", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer wrong" },
      { authorization: `Basic ${ADMIN_TOKEN}` },
    ]) {
      const response = await fetch(`${replica(0).admin}/v1/consumers`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error).toMatchObject({ code: "unauthorized", message: "admin credential required" });
      expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
    }
    const post = await fetch(`${replica(0).admin}/v1/consumers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "sneaky", name: "x" }),
    });
    expect(post.status).toBe(401);
    expect((await admin(replica(0), "GET", "/v1/consumers/sneaky")).status).toBe(404);
  });

  it("is not served on the port the edge reaches", async () => {
    const response = await fetch(`${replica(0).url}/v1/consumers`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("validates input with clear errors", async () => {
    const bad = await admin(replica(0), "POST", "/v1/consumers", { name: "x", rateLimit: ["nope"] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "bad_request", message: 'rateLimit: unknown policy "nope"' },
    });
    const unknownField = await admin(replica(0), "POST", "/v1/consumers", { name: "x", colour: "red" });
    expect(await unknownField.json()).toMatchObject({ error: { message: 'unknown field "colour"' } });
    const notJson = await fetch(`${replica(0).admin}/v1/consumers`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    const id = `dup-${randomUUID()}`;
    expect((await admin(replica(0), "POST", "/v1/consumers", { id, name: "x" })).status).toBe(201);
    expect((await admin(replica(1), "POST", "/v1/consumers", { id, name: "x" })).status).toBe(409);
  });
});

describe("keys across replicas", () => {
  it("create on one replica, verify on the others; rotate and revoke take effect everywhere", async () => {
    const id = `acme-${randomUUID()}`;
    await adminJson(replica(0), "POST", "/v1/consumers", {
      id,
      name: "Acme",
      roles: ["partner"],
      scopes: ["items:read"],
      tenant: "t1",
    });
    const created = await adminJson<{ key: string; record: { id: string; prefix: string; status: string } }>(
      replica(0),
      "POST",
      `/v1/consumers/${id}/keys`,
      {},
    );
    expect(created.key).toMatch(/^gw_live_[A-Za-z0-9_-]{43}$/);
    expect(created.record).toMatchObject({ prefix: created.key.slice(0, 12), status: "active" });
    expect(await verdictOf(replica(1), created.key)).toEqual({
      valid: true,
      keyId: created.record.id,
      consumer: { id, roles: ["partner"], scopes: ["items:read"], tenant: "t1" },
    });

    // The plaintext is shown once: listing shows the prefix only.
    const listed = await adminJson<{ keys: Array<Record<string, unknown>> }>(
      replica(2),
      "GET",
      `/v1/consumers/${id}/keys`,
    );
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.keys[0]).not.toHaveProperty("hash");

    const rotated = await adminJson<{ key: string; previous: { expiresAt: number } }>(
      replica(1),
      "POST",
      `/v1/keys/${created.record.id}/rotate`,
      { overlapSeconds: 600 },
    );
    expect((await verdictOf(replica(2), created.key)).valid).toBe(true);
    expect((await verdictOf(replica(0), rotated.key)).valid).toBe(true);

    await adminJson(replica(2), "POST", `/v1/keys/${created.record.id}/revoke`);
    expect(await verdictOf(replica(0), created.key)).toEqual({ valid: false, reason: "revoked" });
    expect((await verdictOf(replica(1), rotated.key)).valid).toBe(true);

    const expiring = await adminJson<{ key: string }>(replica(0), "POST", `/v1/consumers/${id}/keys`, {
      expiresInSeconds: 0,
    });
    expect(await verdictOf(replica(1), expiring.key)).toEqual({ valid: false, reason: "expired" });
    expect(await verdictOf(replica(1), `gw_live_${"x".repeat(43)}`)).toEqual({
      valid: false,
      reason: "unknown",
    });

    // Nothing about a key, its hash or the admin credential in any replica's log.
    const hash = createHmac("sha256", PEPPER).update(created.key).digest("base64url");
    // Central's log destination is buffered (flushed at least every 250 ms): wait for the lines.
    const allLogs = () => replicas.flatMap((r) => r.logs).join("\n");
    await expect.poll(allLogs, { timeout: 10_000, interval: 100 }).toContain("admin request");
    const logs = allLogs();
    for (const secret of [created.key, rotated.key, expiring.key, hash, ADMIN_TOKEN, PEPPER]) {
      expect(logs).not.toContain(secret);
    }
  });

  it("the verification endpoint answers only the edge itself", async () => {
    const asClient = await verify(replica(0), "gw_live_x", {
      sub: "anonymous",
      auth: "anonymous",
      roles: [],
      scopes: [],
    });
    expect(asClient.status).toBe(404);
    const asUser = await verify(replica(0), "gw_live_x", {
      sub: KEY_VERIFIER_SUBJECT,
      auth: "jwt",
      roles: [],
      scopes: [],
    });
    expect(asUser.status).toBe(404);
    const noToken = await fetch(`${replica(0).url}${KEY_VERIFY_PATH}`, { method: "POST", body: "{}" });
    expect(noToken.status).toBe(401);
  });

  it("a consumer's own policy is exact across three replicas", async () => {
    const id = `limited-${randomUUID()}`;
    await adminJson(replica(0), "POST", "/v1/consumers", { id, name: "Limited", rateLimit: ["per-key"] });
    const call = async (index: number) => {
      const token = await signer.sign({
        identity: { sub: id, auth: "api_key", roles: [], scopes: [] },
        audience: "central",
        method: "GET",
        pathAndQuery: "/items",
      });
      const response = await fetch(`${replica(index % 3).url}/items`, {
        headers: { [IDENTITY_HEADER]: token },
      });
      await response.arrayBuffer();
      return response.status;
    };
    // Concurrent waves of 6 (two per replica at once): races between replicas, without
    // a 30-request spike that could push one evaluation past the store timeout on a loaded machine.
    const statuses: number[] = [];
    for (let wave = 0; wave < 5; wave++) {
      statuses.push(...(await Promise.all([0, 1, 2, 3, 4, 5].map((i) => call(wave * 6 + i)))));
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * LIMIT);

    // Another consumer without the policy is not limited by it.
    const free = await signer.sign({
      identity: { sub: `free-${randomUUID()}`, auth: "api_key", roles: [], scopes: [] },
      audience: "central",
      method: "GET",
      pathAndQuery: "/items",
    });
    expect((await fetch(`${replica(0).url}/items`, { headers: { [IDENTITY_HEADER]: free } })).status).toBe(
      200,
    );
  });
});

describe("./gw keys (the CLI over the admin API)", () => {
  function cli(
    args: string[],
    token = ADMIN_TOKEN,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        {
          env: {
            PATH: process.env.PATH ?? "",
            CENTRAL_ADMIN_URL: replica(1).admin,
            CENTRAL_ADMIN_TOKEN: token,
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it("adds a consumer, issues, lists, rotates and revokes keys", async () => {
    const id = `cli-${randomUUID()}`;
    const added = await cli([
      "add-consumer",
      id,
      "--name",
      "CLI",
      "--roles",
      "a,b",
      "--rate-limit",
      "per-key",
    ]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id, roles: ["a", "b"], rateLimit: ["per-key"] });

    const created = await cli(["create", id, "--expires-in", "3600"]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain("shown only this once");
    const { key, record } = JSON.parse(created.stdout) as { key: string; record: { id: string } };
    expect((await verdictOf(replica(0), key)).valid).toBe(true);

    const listed = await cli(["list", id]);
    expect(listed.stdout).toContain(record.id);
    expect(listed.stdout).not.toContain(key);

    const rotated = await cli(["rotate", record.id, "--overlap", "60"]);
    const newKey = (JSON.parse(rotated.stdout) as { key: string }).key;
    expect((await verdictOf(replica(2), newKey)).valid).toBe(true);

    expect((await cli(["revoke", record.id])).code).toBe(0);
    expect(await verdictOf(replica(0), key)).toEqual({ valid: false, reason: "revoked" });
  });

  it("explains errors in one line and exits non-zero", async () => {
    const denied = await cli(["consumers"], "wrong-token");
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim()).toBe("gw keys: 401 unauthorized: admin credential required");
    const missing = await cli(["list", "no-such-consumer"]);
    expect(missing.stderr.trim()).toBe("gw keys: 404 not_found: consumer not found");
    const usage = await cli(["frobnicate"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "frobnicate"');
  });
});

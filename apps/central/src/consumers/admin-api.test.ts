// The admin API in process, through real HTTP: the store failing is a 503
// whose log line holds the error message only (never the command's arguments).
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createAdminApi } from "./admin-api.ts";
import { createLastUsedRecorder } from "./last-used.ts";
import { createConsumerService } from "./service.ts";
import { createMemoryConsumerStore } from "./store-memory.ts";
import type { ConsumerStore } from "./types.ts";

const TOKEN = "t".repeat(40);
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(store: ConsumerStore) {
  const lines: string[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const lastUsed = createLastUsedRecorder({ write: async () => {} });
  const service = createConsumerService({
    store,
    pepper: Buffer.from("p".repeat(32)),
    policyNames: [],
    lastUsed,
    defaultEnvironment: "live",
  });
  const server = createAdminApi({ service, token: TOKEN, logger }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  closers.push(async () => {
    await lastUsed.close();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { call, lines };
}

describe("admin API", () => {
  it("a failing store is a 503 with the JSON error shape; the log has the message only", async () => {
    const failure = Object.assign(new Error("Connection is closed."), {
      command: { name: "get", args: ["gw:{consumers}:keyhash:SECRET-HASH"] },
    });
    const broken = new Proxy(createMemoryConsumerStore(), {
      get: () => async () => {
        throw failure;
      },
    });
    const { call, lines } = await serve(broken);
    const response = await call("GET", "/v1/consumers");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({
      error: { code: "service_unavailable", message: "the consumer store is unavailable" },
    });
    const log = lines.join("");
    expect(log).toContain("Connection is closed.");
    expect(log).not.toContain("SECRET-HASH");
  });

  it("shows a created key once; PATCH updates and clears the tenant; DELETE removes", async () => {
    const { call } = await serve(createMemoryConsumerStore());
    expect((await call("POST", "/v1/consumers", { id: "acme", name: "Acme", tenant: "t1" })).status).toBe(
      201,
    );
    const created = (await (
      await call("POST", "/v1/consumers/acme/keys", { expiresInSeconds: 60 })
    ).json()) as {
      key: string;
      record: { id: string; status: string; expiresAt: number };
    };
    expect(created.record.status).toBe("active");
    const again = await (await call("GET", `/v1/keys/${created.record.id}`)).text();
    expect(again).not.toContain(created.key);
    const patched = await (await call("PATCH", "/v1/consumers/acme", { roles: ["x"], tenant: null })).json();
    expect(patched).toMatchObject({ id: "acme", roles: ["x"] });
    expect(patched).not.toHaveProperty("tenant");
    expect((await call("DELETE", "/v1/consumers/acme")).status).toBe(204);
    expect((await call("GET", "/v1/consumers/acme")).status).toBe(404);
    expect((await call("GET", "/v1/nothing")).status).toBe(404);
  });
});

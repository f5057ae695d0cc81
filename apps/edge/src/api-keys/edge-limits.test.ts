// Edge coarse limits keyed by consumer apply to API keys: every key of a
// consumer counts against the consumer (identity sub = consumer id).
import { describe, expect, inject, it } from "vitest";
import { createLimitedFixture } from "../../test/workerd/rate-limit-fixture.ts";
import { centralHits } from "../../test/workerd/recording-central.ts";

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `gw_test_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")}`;
}

async function register(key: string, consumer: string): Promise<void> {
  await fetch(`${inject("servers").centralOrigin}/__keys`, {
    method: "POST",
    body: JSON.stringify({
      key,
      verdict: { valid: true, keyId: key.slice(8, 16), consumer: { id: consumer, roles: [], scopes: [] } },
    }),
  });
}

describe("edge limits for API keys", () => {
  it("a consumer policy counts all of a consumer's keys together (precise-consumer: 2 per minute)", async () => {
    const { app } = await createLimitedFixture();
    const consumer = `c-${crypto.randomUUID()}`;
    const [first, second, other] = [newKey(), newKey(), newKey()];
    await register(first, consumer);
    await register(second, consumer);
    await register(other, `other-${crypto.randomUUID()}`);
    const path = `/rl/precise-consumer-key/${crypto.randomUUID()}`;
    const call = (key: string) => app.request(path, { headers: { "x-api-key": key } });

    expect((await call(first)).status).toBe(200);
    expect((await call(second)).status).toBe(200);
    const shed = await call(first);
    expect(shed.status).toBe(429);
    expect((await call(other)).status).toBe(200);
    expect(await centralHits(path)).toBe(3);
  });
});

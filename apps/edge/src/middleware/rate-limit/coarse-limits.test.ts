import { describe, expect, it, vi } from "vitest";
import { bearer, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import {
  awayFromWindowEdge,
  createLimitedFixture,
  fromIp,
  randomIp,
} from "../../../test/workerd/rate-limit-fixture.ts";
import { centralHits } from "../../../test/workerd/recording-central.ts";
import { signToken } from "../../../test/workerd/tokens.ts";

async function expectLimited(response: Response, policy: string, retryAfter: string): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get("x-central")).toBeNull();
  expect(response.headers.get("retry-after")).toBe(retryAfter);
  expect(response.headers.get("ratelimit")).toMatch(new RegExp(`^"${policy}";r=0;t=\\d+$`));
  expect(await errorOf(response)).toMatchObject({ code: "rate_limited" });
}

describe("edge coarse limits: Rate Limiting binding", () => {
  it("sheds at the configured limit, before any request to central", async () => {
    await awayFromWindowEdge(60);
    const { app } = await createLimitedFixture();
    const path = `/rl/binding-ip/${crypto.randomUUID()}`;
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      expect((await app.request(path, { headers: fromIp(ip) })).status).toBe(200);
    }
    const denied = await app.request(path, { headers: fromIp(ip) });
    await expectLimited(denied, "test-ip", "60");
    expect(denied.headers.get("ratelimit-policy")).toBe('"test-ip";q=3;w=60');
    expect(denied.headers.get("ratelimit")).toBe('"test-ip";r=0;t=60');
    expect(await centralHits(path)).toBe(3);
    // Another client IP has its own counter.
    expect((await app.request(path, { headers: fromIp(randomIp()) })).status).toBe(200);
  });

  it("limits by IP before verifying the token, so bad tokens are shed cheaply", async () => {
    await awayFromWindowEdge(60);
    const fixture = await createLimitedFixture();
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      const response = await fixture.app.request("/rl/binding-ip-jwt", {
        headers: fromIp(ip, bearer("not-a-jwt")),
      });
      expect(response.status).toBe(401);
    }
    const shed = await fixture.app.request("/rl/binding-ip-jwt", {
      headers: fromIp(ip, bearer(await signToken())),
    });
    await expectLimited(shed, "test-ip", "60");
  });

  it("keys consumer policies by the token's sub, whatever the IP", async () => {
    await awayFromWindowEdge(60);
    const { app } = await createLimitedFixture();
    const alice = bearer(await signToken({ claims: { sub: `alice-${crypto.randomUUID()}` } }));
    const bob = bearer(await signToken({ claims: { sub: `bob-${crypto.randomUUID()}` } }));
    const ip = randomIp();
    expect((await app.request("/rl/binding-consumer", { headers: fromIp(ip, alice) })).status).toBe(200);
    expect((await app.request("/rl/binding-consumer", { headers: fromIp(randomIp(), alice) })).status).toBe(
      200,
    );
    await expectLimited(
      await app.request("/rl/binding-consumer", { headers: fromIp(randomIp(), alice) }),
      "test-consumer",
      "60",
    );
    // Same IP, other consumer: not limited.
    expect((await app.request("/rl/binding-consumer", { headers: fromIp(ip, bob) })).status).toBe(200);
  });
});

describe("edge coarse limits: Durable Object sliding window", () => {
  it("is exact per key: admits `limit` per window and frees each slot exactly a window later", async () => {
    let now = 1_700_000_000_000;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const ip = randomIp();
    const call = () => app.request("/rl/precise-ip", { headers: fromIp(ip) });

    expect((await call()).status).toBe(200); // t0
    now += 4000;
    expect((await call()).status).toBe(200); // t0 + 4 s
    expect((await call()).status).toBe(200);
    const full = await call();
    await expectLimited(full, "precise-ip", "6"); // the t0 entry leaves at t0 + 10 s
    expect(full.headers.get("ratelimit-policy")).toBe('"precise-ip";q=3;w=10');
    expect(full.headers.get("ratelimit")).toBe('"precise-ip";r=0;t=10');

    now += 5999; // t0 + 9.999 s: still full
    await expectLimited(await call(), "precise-ip", "1");
    now += 1; // t0 + 10 s: exactly one slot is free
    expect((await call()).status).toBe(200);
    await expectLimited(await call(), "precise-ip", "4");
    now += 4000; // t0 + 14 s: the two t0 + 4 s entries leave
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    await expectLimited(await call(), "precise-ip", "6");
  });

  it("keeps the count in the object, not in the isolate: a second app sees the same window", async () => {
    const now = 1_700_000_000_000;
    const first = await createLimitedFixture({ deps: { now: () => now } });
    const second = await createLimitedFixture({ deps: { now: () => now } });
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      expect((await first.app.request("/rl/precise-ip", { headers: fromIp(ip) })).status).toBe(200);
    }
    await expectLimited(
      await second.app.request("/rl/precise-ip", { headers: fromIp(ip) }),
      "precise-ip",
      "10",
    );
  });

  it("keeps consumer and consumer+ip keys apart", async () => {
    const now = 1_700_000_000_000;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const carol = bearer(await signToken({ claims: { sub: `carol-${crypto.randomUUID()}` } }));
    const dave = bearer(await signToken({ claims: { sub: `dave-${crypto.randomUUID()}` } }));
    const [home, office] = [randomIp(), randomIp()];
    const call = (ip: string, who: Record<string, string>) =>
      app.request("/rl/precise-consumer", { headers: fromIp(ip, who) });

    expect((await call(home, carol)).status).toBe(200);
    // precise-both (1 per consumer+ip) stops carol at home; precise-consumer (2) had room.
    const again = await call(home, carol);
    await expectLimited(again, "precise-both", "60");
    expect(again.headers.get("ratelimit-policy")).toBe(
      '"precise-consumer";q=2;w=60, "precise-both";q=1;w=60',
    );
    // dave at carol's home is another consumer for both policies.
    expect((await call(home, dave)).status).toBe(200);
    // Edge policies are not all-or-nothing (unlike central's): the denied request used
    // precise-consumer's second slot, so carol is now out from any IP.
    await expectLimited(await call(office, carol), "precise-consumer", "60");
  });
});

describe("edge coarse limits: missing binding", () => {
  it("answers 500 JSON on a route whose policy has no binding, and logs the binding's name", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app } = await createLimitedFixture();
    const response = await app.request("/rl/unbound", { headers: { "x-request-id": "rl-missing-1" } });
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toEqual({
      code: "internal_error",
      message: "the gateway is misconfigured",
      requestId: "rl-missing-1",
    });
    const log = logged.mock.calls.flat().join(" ");
    expect(log).toContain('"binding":"RL_UNBOUND"');
    expect(log).toContain("rl-missing-1");
    logged.mockRestore();
    // Routes without that policy are unaffected.
    const seen = await recorded(await (await createLimitedFixture()).app.request("/rl/open-public"));
    expect(seen.url).toBe("/rl/open-public");
  });
});

import { describe, expect, it } from "vitest";
import { bearer, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { createLimitedFixture, fromIp, randomIp } from "../../../test/workerd/rate-limit-fixture.ts";
import { centralHits } from "../../../test/workerd/recording-central.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { rateLimitPolicyName } from "./central-429.ts";
import { createRememberedLimits } from "./remembered-limits.ts";

const T0 = 1_700_000_000_000;

function centralReply(reply: { status: number; retryAfter?: string; code: string }) {
  return { "x-test-central-reply": JSON.stringify(reply) };
}

async function userHeaders(name: string): Promise<Record<string, string>> {
  return bearer(await signToken({ claims: { sub: `${name}-${crypto.randomUUID()}` } }));
}

describe("central's 429 remembered at the edge", () => {
  it("answers locally until Retry-After passes: central sees one request, then traffic resumes", async () => {
    let now = T0;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const path = `/rl/open/${crypto.randomUUID()}`;
    const erin = await userHeaders("erin");

    const first = await app.request(path, {
      headers: { ...erin, ...centralReply({ status: 429, retryAfter: "30", code: "rate_limited" }) },
    });
    expect(first.status).toBe(429);
    expect(first.headers.get("x-central")).toBe("yes");
    expect(first.headers.get("retry-after")).toBe("30");
    expect(await errorOf(first)).toMatchObject({ code: "rate_limited", message: "from central" });

    for (const [elapsed, retryAfter] of [
      [0, "30"],
      [1, "30"], // whole seconds, rounded up
      [1000, "29"],
      [15_500, "15"],
      [29_999, "1"],
    ] as const) {
      now = T0 + elapsed;
      const local = await app.request(path, { headers: erin });
      expect(local.status).toBe(429);
      expect(local.headers.get("x-central")).toBeNull();
      expect(local.headers.get("retry-after")).toBe(retryAfter);
      expect(local.headers.get("ratelimit-policy")).toBe('"per-user";q=5;w=60');
      expect(local.headers.get("ratelimit")).toBe(`"per-user";r=0;t=${retryAfter}`);
      expect(await errorOf(local)).toMatchObject({ code: "rate_limited" });
    }
    expect(await centralHits(path)).toBe(1);

    now = T0 + 30_000;
    const resumed = await recorded(await app.request(path, { headers: erin }));
    expect(resumed.url).toBe(path);
    expect(await centralHits(path)).toBe(2);
  });

  it("blocks only that consumer on that route", async () => {
    const now = T0;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const id = crypto.randomUUID();
    const [frank, grace] = [await userHeaders("frank"), await userHeaders("grace")];
    await app.request(`/rl/open/${id}`, {
      headers: { ...frank, ...centralReply({ status: 429, retryAfter: "60", code: "rate_limited" }) },
    });
    expect((await app.request(`/rl/open/${id}`, { headers: frank })).status).toBe(429);
    expect((await app.request(`/rl/open/${id}`, { headers: grace })).status).toBe(200);
    expect((await app.request(`/rl/open-too/${id}`, { headers: frank })).status).toBe(200);
    expect(await centralHits(`/rl/open/${id}`)).toBe(2);
  });

  it("keys anonymous clients by IP", async () => {
    const now = T0;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const path = `/rl/open-public/${crypto.randomUUID()}`;
    const [blocked, other] = [randomIp(), randomIp()];
    await app.request(path, {
      headers: fromIp(blocked, centralReply({ status: 429, retryAfter: "60", code: "rate_limited" })),
    });
    expect((await app.request(path, { headers: fromIp(blocked) })).status).toBe(429);
    expect((await app.request(path, { headers: fromIp(other) })).status).toBe(200);
    expect(await centralHits(path)).toBe(2);
  });

  it.each([
    ["another error code", { status: 429, retryAfter: "30", code: "service_unavailable" }],
    ["no Retry-After", { status: 429, code: "rate_limited" }],
    ["Retry-After 0", { status: 429, retryAfter: "0", code: "rate_limited" }],
    [
      "an HTTP-date Retry-After",
      { status: 429, retryAfter: "Wed, 21 Oct 2037 07:28:00 GMT", code: "rate_limited" },
    ],
    ["a 503 with Retry-After", { status: 503, retryAfter: "30", code: "rate_limited" }],
  ])("does not remember %s", async (_title, reply) => {
    const now = T0;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const path = `/rl/open/${crypto.randomUUID()}`;
    const user = await userHeaders("henry");
    const passed = await app.request(path, { headers: { ...user, ...centralReply(reply) } });
    expect(passed.status).toBe(reply.status);
    expect(passed.headers.get("x-central")).toBe("yes");
    expect(await errorOf(passed)).toMatchObject({ code: reply.code, message: "from central" });
    expect((await app.request(path, { headers: user })).status).toBe(200);
    expect(await centralHits(path)).toBe(2);
  });

  it("caps a huge Retry-After at one hour", async () => {
    let now = T0;
    const { app } = await createLimitedFixture({ deps: { now: () => now } });
    const path = `/rl/open/${crypto.randomUUID()}`;
    const user = await userHeaders("ivy");
    await app.request(path, {
      headers: { ...user, ...centralReply({ status: 429, retryAfter: "9999999", code: "rate_limited" }) },
    });
    const local = await app.request(path, { headers: user });
    expect(local.headers.get("retry-after")).toBe("3600");
    now = T0 + 3_600_000;
    expect((await app.request(path, { headers: user })).status).toBe(200);
  });

  it("holds at most maxEntries consumers, forgetting the least recently used", async () => {
    const now = T0;
    const memory = createRememberedLimits({ maxEntries: 2 });
    const { app } = await createLimitedFixture({ deps: { now: () => now, rememberedLimits: memory } });
    const path = `/rl/open/${crypto.randomUUID()}`;
    const users = [await userHeaders("u1"), await userHeaders("u2"), await userHeaders("u3")];
    for (const user of users) {
      await app.request(path, {
        headers: { ...user, ...centralReply({ status: 429, retryAfter: "60", code: "rate_limited" }) },
      });
    }
    expect(memory.size).toBe(2);
    expect(await centralHits(path)).toBe(3);
    // u1 was forgotten and reaches central again; u2 and u3 are still answered locally.
    expect((await app.request(path, { headers: users[0] })).status).toBe(200);
    expect((await app.request(path, { headers: users[1] })).status).toBe(429);
    expect((await app.request(path, { headers: users[2] })).status).toBe(429);
    expect(await centralHits(path)).toBe(4);
  });
});

describe("createRememberedLimits", () => {
  it("evicts the least recently used entry beyond maxEntries; a lookup counts as use", () => {
    const memory = createRememberedLimits({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) memory.remember(key, { until: T0 + 1000 });
    expect(memory.lookup("a", T0)).toEqual({ until: T0 + 1000 });
    memory.remember("d", { until: T0 + 1000 });
    expect(memory.size).toBe(3);
    expect(memory.lookup("b", T0)).toBeUndefined();
    expect(["a", "c", "d"].map((key) => memory.lookup(key, T0) !== undefined)).toEqual([true, true, true]);
  });

  it("drops an entry once it has expired", () => {
    const memory = createRememberedLimits();
    memory.remember("a", { until: T0 + 1000 });
    expect(memory.lookup("a", T0 + 999)).toBeDefined();
    expect(memory.lookup("a", T0 + 1000)).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it("stays bounded under a flood of distinct keys", () => {
    const memory = createRememberedLimits({ maxEntries: 10_000 });
    for (let i = 0; i < 25_000; i++) memory.remember(`k${i}`, { until: T0 + 1000 });
    expect(memory.size).toBe(10_000);
    expect(memory.lookup("k14999", T0)).toBeUndefined();
    expect(memory.lookup("k15000", T0)).toBeDefined();
  });

  it("reads the policy name from central's RateLimit header", () => {
    expect(rateLimitPolicyName('"per-user";r=0;t=12')).toBe("per-user");
    expect(rateLimitPolicyName("garbage")).toBeUndefined();
    expect(rateLimitPolicyName(null)).toBeUndefined();
  });
});

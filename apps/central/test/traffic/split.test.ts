import { IDENTITY_HEADER } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfigPreambleYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";

let stable: RecordingUpstream;
let canary: RecordingUpstream;
let eu: RecordingUpstream;
let central: CentralUnderTest;
/** A second replica with the same config: sticky choices must agree across replicas. */
let replica: CentralUnderTest;

function configYaml(): string {
  return `${testConfigPreambleYaml({ replayProtection: false })}
routes:
  - name: shop
    path: /api/shop
    split:
      variants:
        - { name: stable, upstream: ${stable.url}, weight: 95 }
        - name: canary
          upstream: ${canary.url}
          weight: 5
          match: { headers: { x-canary: "1" }, cookies: { canary: "yes" } }
        - { name: eu, upstream: ${eu.url}, match: { continents: [EU] } }
  - name: ab
    path: /api/ab
    split:
      sticky: consumer
      variants:
        - { name: a, upstream: ${stable.url}, weight: 50 }
        - { name: b, upstream: ${canary.url}, weight: 50 }
`;
}

beforeAll(async () => {
  [stable, canary, eu] = await Promise.all([startUpstream(), startUpstream(), startUpstream()]);
  [central, replica] = await Promise.all([
    startCentral({ yaml: configYaml() }),
    startCentral({ yaml: configYaml() }),
  ]);
});

afterAll(async () => {
  await Promise.all([central?.close(), replica?.close()]);
  await Promise.all([stable?.close(), canary?.close(), eu?.close()]);
});

async function call(
  target: string,
  opts: {
    on?: CentralUnderTest;
    headers?: Record<string, string>;
    identity?: Parameters<CentralUnderTest["mint"]>[2];
  } = {},
): Promise<{ status: number; variant: string | undefined }> {
  const on = opts.on ?? central;
  const requestId = crypto.randomUUID();
  const response = await fetch(on.url + target, {
    headers: {
      [IDENTITY_HEADER]: await on.mint("GET", target, opts.identity),
      "x-request-id": requestId,
      ...opts.headers,
    },
  });
  await response.arrayBuffer();
  const seen = [stable, canary, eu]
    .flatMap((upstream) => upstream.requests)
    .find((request) => request.headers["x-request-id"] === requestId);
  const variant = seen?.headers["x-gateway-variant"];
  return { status: response.status, variant: typeof variant === "string" ? variant : undefined };
}

/** Runs `count` calls, `parallel` at a time. */
async function many<T>(count: number, parallel: number, one: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => one(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe("weighted split", () => {
  it("95/5 over 2,000 requests: the canary share is within bounds that fail with probability < 1e-7", {
    timeout: 60_000,
  }, async () => {
    const before = { stable: stable.requests.length, canary: canary.requests.length, eu: eu.requests.length };
    const statuses = await many(2000, 50, async () => {
      const response = await fetch(`${central.url}/api/shop/item`, {
        headers: { [IDENTITY_HEADER]: await central.mint("GET", "/api/shop/item") },
      });
      await response.arrayBuffer();
      return response.status;
    });
    expect(statuses.every((status) => status === 200)).toBe(true);
    const toCanary = canary.requests.slice(before.canary);
    const toStable = stable.requests.slice(before.stable);
    // Binomial(2000, 0.05): mean 100, sd 9.7; P(X < 50 or X > 155) = 6.4e-8.
    expect(toCanary.length).toBeGreaterThanOrEqual(50);
    expect(toCanary.length).toBeLessThanOrEqual(155);
    expect(toStable.length + toCanary.length).toBe(2000);
    // A variant with weight 0 only gets matched requests.
    expect(eu.requests.length - before.eu).toBe(0);
    // The service is told which variant it is, and it matches the pool that answered.
    expect(toCanary.every((request) => request.headers["x-gateway-variant"] === "canary")).toBe(true);
    expect(toStable.every((request) => request.headers["x-gateway-variant"] === "stable")).toBe(true);
  });

  it("the chosen variant is in the access log", async () => {
    const requestId = crypto.randomUUID();
    await fetch(`${central.url}/api/shop/logged`, {
      headers: {
        [IDENTITY_HEADER]: await central.mint("GET", "/api/shop/logged"),
        "x-request-id": requestId,
        "x-canary": "1",
      },
    }).then((response) => response.arrayBuffer());
    await expect
      .poll(() => central.logs.find((line) => line.msg === "request" && line.requestId === requestId))
      .toMatchObject({ route: "shop", variant: "canary" });
  });
});

describe("match rules", () => {
  it("a header or cookie match picks its variant every time; a client-sent x-gateway-variant is ignored", async () => {
    for (let i = 0; i < 20; i++) {
      expect((await call("/api/shop/a", { headers: { "x-canary": "1" } })).variant).toBe("canary");
      expect((await call("/api/shop/b", { headers: { cookie: "theme=dark; canary=yes" } })).variant).toBe(
        "canary",
      );
    }
    // Other values do not match, and the client cannot name a variant itself.
    const others = await many(40, 20, () =>
      call("/api/shop/c", {
        headers: { "x-canary": "0", cookie: "canary=no", "x-gateway-variant": "canary" },
      }),
    );
    expect(others.filter((result) => result.variant === "stable").length).toBeGreaterThan(20);
    expect(others.every((result) => result.variant === "stable" || result.variant === "canary")).toBe(true);
  });

  it("geo: the continent signed by the edge picks the eu group; other continents follow the weights", async () => {
    const before = eu.requests.length;
    for (const country of ["DE", "FR", "PL"]) {
      expect((await call("/api/shop/geo", { identity: { country, continent: "EU" } })).variant).toBe("eu");
    }
    expect(eu.requests.length - before).toBe(3);
    const us = await call("/api/shop/geo", { identity: { country: "US", continent: "NA" } });
    expect(["stable", "canary"]).toContain(us.variant);
    // Earlier rules win: the canary header beats the continent.
    expect(
      (await call("/api/shop/geo", { identity: { continent: "EU" }, headers: { "x-canary": "1" } })).variant,
    ).toBe("canary");
  });
});

describe("sticky split", () => {
  it("each consumer stays on one variant, on both replicas; consumers spread over both variants", {
    timeout: 60_000,
  }, async () => {
    const consumers = Array.from({ length: 100 }, (_, i) => `user-${i}`);
    const assigned = new Map<string, string | undefined>();
    for (const sub of consumers) {
      const first = await call("/api/ab/x", { identity: { sub } });
      assigned.set(sub, first.variant);
      for (const on of [central, replica, replica]) {
        expect((await call("/api/ab/y", { on, identity: { sub } })).variant, sub).toBe(first.variant);
      }
    }
    const counts = { a: 0, b: 0 };
    for (const variant of assigned.values()) counts[variant as "a" | "b"]++;
    // Binomial(100, 0.5) outside [25, 75] has probability 1.8e-7.
    expect(counts.a).toBeGreaterThanOrEqual(25);
    expect(counts.b).toBeGreaterThanOrEqual(25);
  });
});

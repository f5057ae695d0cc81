// N = 3 central replicas (separate `node src/main.ts` processes, one real Redis) behind a
// round-robin load balancer, as they run in production: every algorithm stays exact through the
// balancer, and so does a route with two policies (per consumer and per route, all-or-nothing).
import { randomUUID } from "node:crypto";
import { RATE_LIMIT_ALGORITHMS, type RateLimitAlgorithm } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type CentralProcess, startCentralProcess } from "./support/central-process.ts";
import { testIdentityYaml } from "./support/config.ts";
import { type RoundRobinBalancer, startRoundRobinBalancer } from "./support/round-robin-balancer.ts";
import { type RecordingUpstream, startUpstream } from "./support/upstream.ts";

const REPLICAS = 3;
/** The whole-route counter outlives the run in a shared Redis: a fresh route name per run. */
const RUN = randomUUID().slice(0, 8);
const LIMIT = 10;
const ROUTE_LIMIT = 15;

function configYaml(upstreamUrl: string): string {
  // Long windows: a burst never straddles a fixed-window boundary or sees a refill.
  const policies = RATE_LIMIT_ALGORITHMS.map(
    (algorithm) =>
      `    - { name: ${algorithm}, algorithm: ${algorithm}, limit: ${LIMIT}, windowSeconds: 3600, key: [consumer], failMode: closed }`,
  );
  policies.push(
    `    - { name: whole-route, algorithm: sliding_window, limit: ${ROUTE_LIMIT}, windowSeconds: 3600, key: [route], failMode: closed }`,
  );
  const routes = RATE_LIMIT_ALGORITHMS.map(
    (algorithm) =>
      `  - { name: ${algorithm}, path: /${algorithm}, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [${algorithm}] }`,
  );
  routes.push(
    `  - { name: two-policies-${RUN}, path: /two-policies, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [token_bucket, whole-route] }`,
  );
  return `${testIdentityYaml({})}
rateLimits:
  policies:
${policies.join("\n")}
routes:
${routes.join("\n")}
`;
}

let upstream: RecordingUpstream;
let replicas: CentralProcess[] = [];
let balancer: RoundRobinBalancer;

/** `count` concurrent requests to `path` through the balancer, each with a fresh edge token for `consumer`. */
async function burst(path: string, consumer: string, count: number): Promise<number[]> {
  const signer = replicas[0] as CentralProcess;
  const tokens = await Promise.all(Array.from({ length: count }, () => signer.token(path, consumer)));
  return Promise.all(
    tokens.map(async (token) => {
      const response = await fetch(`${balancer.url}${path}`, { headers: { "x-gateway-identity": token } });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

const count = (statuses: number[], status: number) => statuses.filter((value) => value === status).length;
/** Statuses by code, so a failure shows every answer (a 503 is a fail-closed Redis timeout). */
const tally = (statuses: number[]) =>
  Object.fromEntries([...new Set(statuses)].sort().map((status) => [status, count(statuses, status)]));

beforeAll(async () => {
  upstream = await startUpstream();
  const yaml = configYaml(upstream.url);
  replicas = await Promise.all(
    // Exactness, not fail modes, is the subject: a starved CPU must not turn a slow Redis answer
    // into a fail-closed 503 (REDIS_TIMEOUT_MS, default 250 ms; ignored by a central without it).
    Array.from({ length: REPLICAS }, () =>
      startCentralProcess(yaml, inject("redisUrl"), { REDIS_TIMEOUT_MS: "5000" }),
    ),
  );
  // One decision per replica and route first (a consumer of its own): connections to Redis are
  // up and the script is loaded before any counted burst.
  for (const replica of replicas)
    for (const path of RATE_LIMIT_ALGORITHMS.map((algorithm) => `/${algorithm}`)) {
      const response = await replica.get(path, await replica.token(path, `warm-up-${RUN}`));
      await response.arrayBuffer();
    }
  balancer = await startRoundRobinBalancer(replicas.map((replica) => replica.url));
}, 60_000);

afterAll(async () => {
  await balancer?.close();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await upstream?.close();
});

describe(`${REPLICAS} central replicas behind a round-robin balancer, one Redis`, () => {
  it.each(RATE_LIMIT_ALGORITHMS)("%s admits exactly the limit of a 3 × limit burst", async (algorithm) => {
    const before = [...balancer.handled];
    const statuses = await burst(
      `/${algorithm satisfies RateLimitAlgorithm}`,
      `c-${randomUUID()}`,
      3 * LIMIT,
    );
    expect(tally(statuses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });
    // Every replica took its share of the burst: the limit held across processes.
    expect(balancer.handled.map((total, index) => total - (before[index] ?? 0))).toEqual([
      LIMIT,
      LIMIT,
      LIMIT,
    ]);
  });

  it("two policies on one route stay exact together: per consumer and for the whole route", async () => {
    const [first, second] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
    const [a, b] = await Promise.all([
      burst("/two-policies", first, 2 * LIMIT),
      burst("/two-policies", second, 2 * LIMIT),
    ]);
    // Neither consumer passes its own limit, and together they get exactly the route's.
    expect(Object.keys(tally([...a, ...b]))).toEqual(["200", "429"]);
    expect(count(a, 200)).toBeLessThanOrEqual(LIMIT);
    expect(count(b, 200)).toBeLessThanOrEqual(LIMIT);
    expect(count(a, 200) + count(b, 200)).toBe(ROUTE_LIMIT);
    expect(count(a, 429) + count(b, 429)).toBe(4 * LIMIT - ROUTE_LIMIT);
  });
});

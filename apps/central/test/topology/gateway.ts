import { RATE_LIMIT_ALGORITHMS } from "@gateway/types";
import type { CentralProcess } from "../support/central-process.ts";

/**
 * Central's environment besides the topology. A generous Redis deadline: these
 * tests count outcomes, and on a loaded machine a healthy Redis call can take
 * longer than the 250 ms default; a dead master still fails fast (connection
 * refused, no offline queue), so the failovers are observed all the same.
 */
export const CENTRAL_ENV = { LOG_LEVEL: "info", REDIS_TIMEOUT_MS: "2000" };

/** Every policy's limit in these tests; windows are long, so a burst never sees a refill. */
export const LIMIT = 10;
export const ALGORITHMS = RATE_LIMIT_ALGORITHMS;

/**
 * Routes /<algorithm> (one fail-closed policy each, keyed by consumer), /open (a
 * fail-open policy), /multi (two policies in the consumer's slot: a tight GCRA and
 * a loose fixed window), /cross (a tight consumer-keyed policy and a loose
 * ip-keyed one: two slots), all with replay protection on.
 */
export function topologyConfig(upstreamUrl: string): string {
  const policy = (name: string, algorithm: string, limit: number, key: string, failMode = "closed") =>
    `    - { name: ${name}, algorithm: ${algorithm}, limit: ${limit}, windowSeconds: 86400, key: ${key}, failMode: ${failMode} }`;
  const route = (name: string, policies: string[]) =>
    `  - { name: ${name}, path: /${name}, methods: [GET], auth: jwt, upstream: ${upstreamUrl}, rateLimit: [${policies.join(", ")}] }`;
  return `version: 1
identity: { ttlSeconds: 30, clockSkewSeconds: 5, replayProtection: true, replayFailMode: open }
jwt:
  issuers:
    - { name: test, issuer: https://issuer.test, jwksUrl: http://127.0.0.1:9/jwks.json, audiences: [api], algorithms: [ES256] }
rateLimits:
  policies:
${ALGORITHMS.map((algorithm) => policy(algorithm, algorithm, LIMIT, "[consumer]")).join("\n")}
${policy("open", "sliding_window", LIMIT, "[consumer]", "open")}
${policy("multi-tight", "gcra", LIMIT, "[consumer]")}
${policy("multi-loose", "fixed_window", 5 * LIMIT, "[consumer, route]")}
${policy("cross-tight", "sliding_window", LIMIT, "[consumer]")}
${policy("cross-loose", "fixed_window", 1000 * LIMIT, "[ip, route]")}
routes:
${ALGORITHMS.map((algorithm) => route(algorithm, [algorithm])).join("\n")}
${route("open", ["open"])}
${route("multi", ["multi-tight", "multi-loose"])}
${route("cross", ["cross-tight", "cross-loose"])}
`;
}

/** `count` concurrent requests for `path` as `sub`, each with a fresh token, spread round robin over `centrals`. */
export async function burst(centrals: CentralProcess[], path: string, sub: string, count = 3 * LIMIT) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const central = centrals[i % centrals.length] as CentralProcess;
      const response = await central.get(path, await central.token(path, sub));
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

export function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Parsed JSON log lines of a central process whose `msg` is `message`. */
export function logged(central: CentralProcess, message: string): Array<Record<string, unknown>> {
  return central
    .logs()
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === message);
}

/**
 * Waits until every message has been logged at least once by `central` (its logger buffers
 * lines before they reach the pipe), or fails after `timeoutMs` naming what is missing.
 */
export async function waitForLogs(
  central: CentralProcess,
  messages: string[],
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = messages.filter((message) => logged(central, message).length === 0);
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`not logged within ${timeoutMs} ms: ${missing.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface FailoverObservation {
  /** Statuses of the fail-closed route while the burst ran. */
  closed: number[];
  /** Statuses of the fail-open route, and whether each carried a RateLimit header. */
  open: Array<{ status: number; limited: boolean }>;
}

/**
 * Keeps bursts of requests going (a fail-closed and a fail-open route, as `sub`)
 * while `fault` runs, until the closed route has answered 503 and then, later,
 * answers 200 or 429 again (the topology settled), or `timeoutMs` passes.
 */
export async function burstThroughFailover(
  centrals: CentralProcess[],
  sub: () => string,
  closedPath: string,
  fault: () => Promise<void>,
  timeoutMs = 30_000,
): Promise<FailoverObservation> {
  const seen: FailoverObservation = { closed: [], open: [] };
  let faulted = false;
  let sawOutage = false;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const batch = await Promise.all(
      centrals.flatMap((central) => [
        (async () => {
          const response = await central.get(closedPath, await central.token(closedPath, sub()));
          await response.arrayBuffer();
          return { kind: "closed" as const, status: response.status, limited: true };
        })(),
        (async () => {
          const response = await central.get("/open", await central.token("/open", sub()));
          await response.arrayBuffer();
          return {
            kind: "open" as const,
            status: response.status,
            limited: response.headers.has("ratelimit"),
          };
        })(),
      ]),
    );
    for (const result of batch) {
      if (result.kind === "closed") seen.closed.push(result.status);
      else seen.open.push({ status: result.status, limited: result.limited });
    }
    if (!faulted) {
      faulted = true;
      await fault();
      continue;
    }
    const closedNow = batch.filter((result) => result.kind === "closed").map((result) => result.status);
    if (closedNow.includes(503)) sawOutage = true;
    else if (sawOutage && closedNow.every((status) => status === 200 || status === 429)) return seen;
  }
  throw new Error(
    `the topology did not fail over and settle in ${timeoutMs} ms: ${JSON.stringify(seen.closed)}`,
  );
}

/**
 * One request per algorithm route on each central, before anything is measured:
 * a fresh process compiles its request path on first use, which on a loaded
 * machine can take longer than the rate-limit store's deadline (a 503).
 */
export async function warmUp(centrals: CentralProcess[]): Promise<void> {
  for (const central of centrals) {
    for (const algorithm of ALGORITHMS) {
      const path = `/${algorithm}`;
      const response = await central.get(path, await central.token(path, `warm-up-${algorithm}`));
      await response.arrayBuffer();
    }
  }
}

/** Starts `count` centrals; if one fails, stops the others before rethrowing (no orphaned processes). */
export async function startCentrals(
  count: number,
  start: () => Promise<CentralProcess>,
): Promise<CentralProcess[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, start));
  const started = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = results.find((result) => result.status === "rejected");
  if (failed === undefined) return started;
  await Promise.all(started.map((central) => central.stop()));
  throw failed.reason;
}

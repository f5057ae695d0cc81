import type http from "node:http";
import { IDENTITY_HEADER } from "@gateway/types";
import { testConfigPreambleYaml } from "../support/config.ts";
import { type CentralUnderTest, startCentral } from "../support/harness.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";

/** A clock the test moves by hand: breakers, ejections and budgets read it. */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

export function startResilientCentral(
  routesYaml: string,
  resilience: { now?: () => number; random?: () => number } = {},
): Promise<CentralUnderTest> {
  return startCentral({
    yaml: `${testConfigPreambleYaml({ replayProtection: false })}\nroutes:\n${routesYaml}`,
    redis: "none",
    resilience,
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  json(): { error?: { code: string; message: string; requestId: string } };
}

/** A GET (or `method`) through central's real port, with a valid edge identity token. */
export async function call(
  central: CentralUnderTest,
  target: string,
  init: {
    method?: string;
    body?: string;
    signal?: AbortSignal;
    headers?: Record<string, string>;
    sub?: string;
  } = {},
): Promise<Answer> {
  const method = init.method ?? "GET";
  const response = await fetch(central.url + target, {
    method,
    headers: {
      [IDENTITY_HEADER]: await central.mint(method, target, init.sub === undefined ? {} : { sub: init.sub }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body, json: () => JSON.parse(body) };
}

/** Requests the upstream received, health probes left out. */
export function hits(upstream: RecordingUpstream, path = "/health"): number {
  return upstream.requests.filter((r) => r.url !== path).length;
}

/** The breaker of a route's first target, as /readyz?verbose reports it. */
export async function firstTargetBreaker(
  central: CentralUnderTest,
  route: string,
): Promise<{ state: string; consecutiveFailures: number } | undefined> {
  const verbose = (await (await fetch(`${central.url}/readyz?verbose`)).json()) as {
    upstreams: Record<
      string,
      { targets: Array<{ breaker: { state: string; consecutiveFailures: number } }> }
    >;
  };
  return verbose.upstreams[route]?.targets[0]?.breaker;
}

/** Waits for a condition that an event will make true (polls cheaply; fails after `ms`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * An upstream that answers what `respond` says per request; "hold" keeps the
 * request open until `releaseAll` (a slow upstream the test controls).
 */
export interface ScriptedUpstream extends RecordingUpstream {
  setStatus(status: number | "hold" | ((n: number) => number)): void;
  releaseAll(status?: number): void;
  held(): number;
}

export async function scriptedUpstream(): Promise<ScriptedUpstream> {
  const upstream = await startUpstream();
  let mode: number | "hold" | ((n: number) => number) = 200;
  let count = 0;
  const heldResponses: http.ServerResponse[] = [];
  const answer = (res: http.ServerResponse, status: number) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(`status ${status}`);
  };
  upstream.respondWith((req, res) => {
    if (req.url === "/health") {
      answer(res, typeof mode === "number" ? mode : 200);
      return;
    }
    const n = count++;
    if (mode === "hold") heldResponses.push(res);
    else answer(res, typeof mode === "number" ? mode : mode(n));
  });
  return Object.assign(upstream, {
    setStatus(next: typeof mode) {
      mode = next;
    },
    releaseAll(status = 200) {
      for (const res of heldResponses.splice(0)) answer(res, status);
    },
    held: () => heldResponses.filter((res) => !res.destroyed).length,
  });
}

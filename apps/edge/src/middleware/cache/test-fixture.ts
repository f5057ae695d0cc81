import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { OriginRequest, ScriptedResponse } from "../../../test/shared/programmable-origin-types.ts";
import { createFixture } from "../../../test/workerd/edge-fixture.ts";
import type { EdgeLogSink } from "../access-log/index.ts";
import { cacheApiStore, durableObjectIndex } from "./index.ts";

/** Routes with a cache, in front of the programmable origin (test/node/programmable-origin.ts). */
const CACHE_ROUTES = `
  - { name: c-public, path: /c/public, auth: public, methods: [GET, HEAD, POST, PUT, DELETE], upstream: "http://127.0.0.1:9", cache: {} }
  - name: c-swr
    path: /c/swr
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    cache: { staleWhileRevalidateSeconds: 60, staleIfErrorSeconds: 300 }
  - { name: c-user, path: /c/user, methods: [GET], upstream: "http://127.0.0.1:9", cache: { keyBy: [consumer] } }
  - { name: c-auth, path: /c/auth, methods: [GET], upstream: "http://127.0.0.1:9", cache: {} }
  - { name: c-ttl, path: /c/ttl, auth: public, methods: [GET], upstream: "http://127.0.0.1:9", cache: { defaultTtlSeconds: 30 } }
  - { name: c-vary, path: /c/vary, auth: public, methods: [GET], upstream: "http://127.0.0.1:9", cache: { vary: [x-tenant-hint] } }
  - { name: c-keep, path: /c/keep, auth: public, methods: [GET], upstream: "http://127.0.0.1:9", cache: { stripTargetedHeaders: false } }
  - { name: c-off, path: /c/off, auth: public, methods: [GET], upstream: "http://127.0.0.1:9", cache: { enabled: false } }
`;

export interface CacheFixture {
  /** Sends a request through the edge and waits for its background work (cache writes, refreshes). */
  send(path: string, init?: RequestInit): Promise<Response & { text_: string }>;
  /** Several requests at once, then their background work. */
  sendAll(requests: Array<[string, RequestInit?]>): Promise<Array<Response & { text_: string }>>;
  /** Moves the edge's clock (the origin keeps real time). */
  advance(seconds: number): void;
}

export async function createCacheFixture(
  options: { purgeSecret?: string; log?: EdgeLogSink } = {},
): Promise<CacheFixture> {
  const clock = { now: Date.now() };
  const cacheName = `test-${crypto.randomUUID()}`;
  const { app } = await createFixture({
    centralOrigin: inject("servers").programmableOrigin,
    extraRoutes: CACHE_ROUTES,
    deps: {
      now: () => clock.now,
      ...(options.log ? { log: options.log } : {}),
      cache: {
        store: cacheApiStore(() => caches.open(cacheName)),
        index: durableObjectIndex(env.CACHE_INDEX as NonNullable<typeof env.CACHE_INDEX>),
        ...(options.purgeSecret ? { purgeSecret: options.purgeSecret } : {}),
      },
    },
  });
  async function run(requests: Array<[string, RequestInit?]>) {
    const ctx = createExecutionContext();
    const responses = await Promise.all(
      requests.map(([path, init]) => app.fetch(new Request(`http://edge.test${path}`, init), env, ctx)),
    );
    const texts = await Promise.all(responses.map((response) => response.text()));
    await waitOnExecutionContext(ctx);
    return responses.map((response, i) => Object.assign(response, { text_: texts[i] ?? "" }));
  }
  return {
    async send(path, init) {
      const [response] = await run([[path, init]]);
      if (!response) throw new Error("no response");
      return response;
    },
    sendAll: run,
    advance(seconds) {
      clock.now += seconds * 1000;
    },
  };
}

/** A fresh path under a cached route, so tests never share entries. */
export function uniquePath(route: string): string {
  return `${route}/${crypto.randomUUID()}`;
}

export async function program(path: string, ...responses: ScriptedResponse[]): Promise<void> {
  const origin = inject("servers").programmableOrigin;
  const response = await fetch(`${origin}/__program`, {
    method: "POST",
    body: JSON.stringify({ path: path.split("?")[0], responses }),
  });
  await response.text();
}

export async function originRequests(path: string): Promise<OriginRequest[]> {
  const origin = inject("servers").programmableOrigin;
  const response = await fetch(`${origin}/__requests?path=${encodeURIComponent(path.split("?")[0] ?? "")}`);
  return (await response.json()) as OriginRequest[];
}

export async function originHits(path: string): Promise<number> {
  return (await originRequests(path)).length;
}

export function ok(
  cacheControl: string,
  extra: Array<[string, string]> = [],
  body?: string,
): ScriptedResponse {
  return { status: 200, headers: [["cache-control", cacheControl], ...extra], ...(body ? { body } : {}) };
}

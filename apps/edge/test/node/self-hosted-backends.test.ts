import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error plain ES modules loaded by workerd as they are (no types)
import { createCacheService } from "../../self-hosted/cache-service.js";
// @ts-expect-error plain ES modules loaded by workerd as they are (no types)
import createRateLimitBinding from "../../self-hosted/ratelimit-binding.js";

interface CacheService {
  fetch(request: Request): Promise<Response>;
}

/** A Cache API PUT as workerd sends it: the response in HTTP/1.1 wire form as the body. */
function put(service: CacheService, url: string, cacheControl: string, body: string, namespace = "edge") {
  const wire = `HTTP/1.1 200 OK\r\ncache-control: ${cacheControl}\r\nx-meta: m1\r\n\r\n${body}`;
  return service.fetch(
    new Request(url, { method: "PUT", headers: { "cf-cache-namespace": namespace }, body: wire }),
  );
}
const get = (service: CacheService, url: string, namespace = "edge") =>
  service.fetch(new Request(url, { headers: { "cf-cache-namespace": namespace } }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-01-01T00:00:10Z"));
});
afterEach(() => vi.useRealTimers());

describe("the self-hosted Cache API backend (cache-service.js)", () => {
  it("stores a response for its max-age, per namespace, and answers MISS with 504 otherwise", async () => {
    const service: CacheService = createCacheService({});
    expect((await put(service, "https://k/a", "public, max-age=30", "body-a")).status).toBe(204);
    const hit = await get(service, "https://k/a");
    expect([hit.status, hit.headers.get("x-meta"), hit.headers.get("cf-cache-status")]).toEqual([
      200,
      "m1",
      "HIT",
    ]);
    expect(await hit.text()).toBe("body-a");
    expect((await get(service, "https://k/a", "other")).status).toBe(504);
    vi.setSystemTime(new Date("2026-01-01T00:00:40Z"));
    const expired = await get(service, "https://k/a");
    expect([expired.status, expired.headers.get("cf-cache-status")]).toEqual([504, "MISS"]);
  });

  it("refuses no-store and private responses, and purges by URL", async () => {
    const service: CacheService = createCacheService({});
    expect((await put(service, "https://k/n", "no-store", "x")).status).toBe(413);
    expect((await put(service, "https://k/p", "private, max-age=60", "x")).status).toBe(413);
    await put(service, "https://k/b", "max-age=60", "b");
    const purge = (url: string) =>
      service.fetch(new Request(url, { method: "PURGE", headers: { "cf-cache-namespace": "edge" } }));
    expect((await purge("https://k/b")).status).toBe(200);
    expect((await purge("https://k/b")).status).toBe(404);
    expect((await get(service, "https://k/b")).status).toBe(504);
  });

  it("evicts the oldest entries beyond MAX_ENTRIES and MAX_BYTES", async () => {
    const service: CacheService = createCacheService({ MAX_ENTRIES: "2", MAX_BYTES: "10" });
    await put(service, "https://k/1", "max-age=60", "1111");
    await put(service, "https://k/2", "max-age=60", "2222");
    await put(service, "https://k/3", "max-age=60", "3333");
    expect((await get(service, "https://k/1")).status).toBe(504);
    expect((await get(service, "https://k/3")).status).toBe(200);
    await put(service, "https://k/4", "max-age=60", "44444444");
    expect([(await get(service, "https://k/3")).status, (await get(service, "https://k/4")).status]).toEqual([
      504, 200,
    ]);
    expect((await put(service, "https://k/big", "max-age=60", "x".repeat(11))).status).toBe(413);
  });
});

describe("the self-hosted Rate Limiting binding (ratelimit-binding.js)", () => {
  it("counts a fixed window per key and starts again in the next window", async () => {
    const binding = createRateLimitBinding({ limit: 3, period: 60 });
    const results = async (key: string, count: number) => {
      const out: boolean[] = [];
      for (let i = 0; i < count; i++) out.push((await binding.limit({ key })).success);
      return out;
    };
    expect(await results("a", 4)).toEqual([true, true, true, false]);
    expect(await results("b", 1)).toEqual([true]);
    vi.setSystemTime(new Date("2026-01-01T00:01:00Z"));
    expect(await results("a", 1)).toEqual([true]);
  });

  it("refuses a missing limit or period", () => {
    expect(() => createRateLimitBinding({ limit: 0, period: 60 })).toThrow(/positive limit and period/);
  });
});

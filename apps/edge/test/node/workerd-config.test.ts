import { describe, expect, it } from "vitest";
import { renderWorkerdConfig, type WorkerdConfigOptions } from "../../self-hosted/workerd-config.ts";

const base: WorkerdConfigOptions = {
  wrangler: {
    compatibility_date: "2025-11-01",
    vars: { CENTRAL_URL: "http://127.0.0.1:8080" },
    ratelimits: [{ name: "RL_IP_COARSE", simple: { limit: 10, period: 60 } }],
    durable_objects: { bindings: [{ name: "CACHE_INDEX", class_name: "CacheIndex" }] },
  },
  bundleFile: "bundle/index.js",
  rateLimitModuleFile: "ratelimit-binding.js",
  cacheModuleFile: "cache-service.js",
  address: "127.0.0.1:8787",
  secretNames: ["EDGE_CENTRAL_KEYS", "CACHE_PURGE_SECRET"],
  durableObjectDir: "/var/lib/edge/durable-objects",
};

describe("the generated workerd config", () => {
  it("removes a client's CF-Connecting-IP on the listening socket by default", () => {
    expect(renderWorkerdConfig(base)).toContain(
      'http = (injectRequestHeaders = [(name = "cf-connecting-ip")])',
    );
    expect(renderWorkerdConfig({ ...base, trustClientIpHeader: true })).toMatch(
      /address = "127\.0\.0\.1:8787", http = \(\),/,
    );
  });

  it("binds secrets from the environment, never their values", () => {
    const text = renderWorkerdConfig(base);
    expect(text).toContain('(name = "EDGE_CENTRAL_KEYS", fromEnvironment = "EDGE_CENTRAL_KEYS")');
    expect(text).toContain('(name = "CACHE_PURGE_SECRET", fromEnvironment = "CACHE_PURGE_SECRET")');
  });

  it("keeps Durable Objects on local disk and sends the Cache API to the in-memory backend", () => {
    const text = renderWorkerdConfig({ ...base, cacheLimits: { maxEntries: 5 } });
    expect(text).toContain('disk = (path = "/var/lib/edge/durable-objects", writable = true)');
    expect(text).toContain('durableObjectStorage = (localDisk = "durable-objects")');
    expect(text).toContain('cacheApiOutbound = "edge-cache"');
    expect(text).toContain('(name = "MAX_ENTRIES", text = "5")');
  });

  it("can read CENTRAL_URL from the environment (container images built once)", () => {
    const text = renderWorkerdConfig({ ...base, centralUrlFromEnvironment: true });
    expect(text).toContain('(name = "CENTRAL_URL", fromEnvironment = "CENTRAL_URL")');
    expect(text).not.toContain("http://127.0.0.1:8080");
  });
});

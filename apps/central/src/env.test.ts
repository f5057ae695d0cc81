import { formatCidr } from "@gateway/config/cidr";
import { generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_PATH, readCentralEnv } from "./env.ts";

/** The HS256 key this test's "edge" shares with central (EDGE_CENTRAL_KEYS). */
const edgeHop = generateHopSecret("e-hop");

const keys = async () => {
  const central = await generateIdentityKeyPair("c");
  return {
    EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [edgeHop] }),
    CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
  };
};

describe("readCentralEnv", () => {
  it("applies defaults", async () => {
    const env = readCentralEnv(await keys(), "/srv");
    expect(env).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      logLevel: "info",
      configPath: DEFAULT_CONFIG_PATH,
    });
    expect(env.redis).toBeUndefined();
    expect(DEFAULT_CONFIG_PATH).toMatch(/\/gateway\.config\.yaml$/);
    expect(DEFAULT_CONFIG_PATH).not.toContain("/apps/");
  });

  it("resolves a relative GATEWAY_CONFIG against the working directory", async () => {
    expect(readCentralEnv({ ...(await keys()), GATEWAY_CONFIG: "conf/g.yaml" }, "/srv").configPath).toBe(
      "/srv/conf/g.yaml",
    );
    expect(readCentralEnv({ ...(await keys()), GATEWAY_CONFIG: "/etc/g.yaml" }, "/srv").configPath).toBe(
      "/etc/g.yaml",
    );
  });

  it("names the variable in every error, without echoing key material", async () => {
    const good = await keys();
    expect(() => readCentralEnv({ ...good, CENTRAL_PORT: "99999" })).toThrow(/CENTRAL_PORT/);
    expect(() => readCentralEnv({ ...good, REDIS_URL: "http://x" })).toThrow(/REDIS_URL/);
    expect(() => readCentralEnv({ ...good, LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
    expect(() => readCentralEnv({ ...good, REDIS_TIMEOUT_MS: "0" })).toThrow(
      /^REDIS_TIMEOUT_MS must be a positive integer/,
    );
    expect(() => readCentralEnv({ ...good, REDIS_TIMEOUT_MS: "60000" })).toThrow(
      "REDIS_TIMEOUT_MS must be at most 10000, got 60000",
    );
    expect(readCentralEnv({ ...good, REDIS_TIMEOUT_MS: "800" }).redisTimeoutMs).toBe(800);
    expect(readCentralEnv(good).redisTimeoutMs).toBe(250);
    expect(() => readCentralEnv({ ...good, REDIS_URL: "redis://a:1", REDIS_SENTINELS: "b:2" })).toThrow(
      /only one of/,
    );
    expect(() => readCentralEnv({ ...good, CENTRAL_IDENTITY_PRIVATE_JWK: undefined })).toThrow(
      /CENTRAL_IDENTITY_PRIVATE_JWK/,
    );
    expect(() =>
      readCentralEnv({ ...good, EDGE_CENTRAL_KEYS: '{"keys":[{"kty":"oct","kid":"a","k":"c2hvcnQ"}]}' }),
    ).toThrow(/^EDGE_CENTRAL_KEYS keys\[0\]: key "a" is 40 bits; HS256 keys must be at least 256 bits$/);
    const secret = JSON.parse(good.CENTRAL_IDENTITY_PRIVATE_JWK) as { d: string };
    // A private key where the public JWKS belongs is refused, and the error does not quote it.
    try {
      readCentralEnv({ ...good, EDGE_IDENTITY_PUBLIC_JWKS: good.CENTRAL_IDENTITY_PRIVATE_JWK });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain("EDGE_IDENTITY_PUBLIC_JWKS");
      expect((error as Error).message).not.toContain(secret.d);
    }
    // The hop keys are optional here: which set is required follows identity.hop.algorithm.
    const { EDGE_CENTRAL_KEYS: _hop, ...withoutHop } = good;
    expect(readCentralEnv(withoutHop).edgeCentralKeys).toBeUndefined();
    expect(readCentralEnv(good).edgeCentralKeys?.keys).toHaveLength(1);
  });
});

describe("readCentralEnv: network hardening", () => {
  it("defaults to any peer, plain HTTP and the default connection cap", async () => {
    const env = readCentralEnv(await keys(), "/srv");
    expect(env.allowedNetworks).toBeUndefined();
    expect(env.tls).toBeUndefined();
    expect(env.maxConnections).toBe(4096);
  });

  it("parses CIDRs, the connection cap and TLS file paths (relative to cwd)", async () => {
    const env = readCentralEnv(
      {
        ...(await keys()),
        CENTRAL_ALLOWED_CIDRS: "127.0.0.1/32,10.0.0.0/8,::1/128",
        CENTRAL_MAX_CONNECTIONS: "500",
        CENTRAL_TLS_CERT_FILE: "tls/cert.pem",
        CENTRAL_TLS_KEY_FILE: "/etc/central/key.pem",
        CENTRAL_TLS_CLIENT_CA_FILE: "tls/ca.pem",
      },
      "/srv",
    );
    expect(env.allowedNetworks?.map(formatCidr)).toEqual(["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
    expect(env.maxConnections).toBe(500);
    expect(env.tls).toEqual({
      certFile: "/srv/tls/cert.pem",
      keyFile: "/etc/central/key.pem",
      clientCaFile: "/srv/tls/ca.pem",
    });
  });

  it("rejects half-configured TLS and bad numbers, naming the variable", async () => {
    const good = await keys();
    expect(() => readCentralEnv({ ...good, CENTRAL_TLS_KEY_FILE: "k" })).toThrow(/CENTRAL_TLS_CERT_FILE/);
    expect(() => readCentralEnv({ ...good, CENTRAL_TLS_CLIENT_CA_FILE: "ca" })).toThrow(
      /CENTRAL_TLS_CLIENT_CA_FILE/,
    );
    expect(() => readCentralEnv({ ...good, CENTRAL_MAX_CONNECTIONS: "0" })).toThrow(
      /CENTRAL_MAX_CONNECTIONS/,
    );
    expect(() => readCentralEnv({ ...good, CENTRAL_ALLOWED_CIDRS: "10.0.0.0/8,nope" })).toThrow(
      /CENTRAL_ALLOWED_CIDRS: "nope"/,
    );
  });
});

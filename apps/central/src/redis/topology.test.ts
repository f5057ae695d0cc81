import { describe, expect, it } from "vitest";
import { describeRedisTopology, parseNodeList, readRedisTopology } from "./topology.ts";

const read = (env: Record<string, string>) => readRedisTopology(env, "/srv");

describe("readRedisTopology", () => {
  it("is undefined without a topology, and refuses Redis settings that would then be ignored", () => {
    expect(read({})).toBeUndefined();
    expect(read({ REDIS_URL: "" })).toBeUndefined();
    expect(() => read({ REDIS_PASSWORD: "p" })).toThrow(
      /^REDIS_PASSWORD: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES/,
    );
    expect(() => read({ REDIS_SENTINEL_MASTER: "m" })).toThrow(/REDIS_SENTINEL_MASTER/);
  });

  it("takes exactly one topology", () => {
    expect(() => read({ REDIS_URL: "redis://a:1", REDIS_CLUSTER_NODES: "a:1" })).toThrow(
      "set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (got REDIS_URL and REDIS_CLUSTER_NODES)",
    );
    expect(() =>
      read({ REDIS_SENTINELS: "a:1", REDIS_CLUSTER_NODES: "a:1", REDIS_SENTINEL_MASTER: "m" }),
    ).toThrow(/only one of/);
  });

  it("reads REDIS_URL with ACL credentials and TLS files (relative to the working directory)", () => {
    expect(read({ REDIS_URL: "redis://gw:secret@10.0.0.1:6380/2" })).toEqual({
      kind: "single",
      url: "redis://gw:secret@10.0.0.1:6380/2",
    });
    expect(
      read({
        REDIS_URL: "rediss://r.example:6380",
        REDIS_TLS_CA_FILE: "ca.pem",
        REDIS_USERNAME: "gw",
        REDIS_PASSWORD: "pw",
      }),
    ).toEqual({
      kind: "single",
      url: "rediss://r.example:6380",
      username: "gw",
      password: "pw",
      tls: { caFile: "/srv/ca.pem" },
    });
    expect(read({ REDIS_URL: "rediss://r.example:6380" })).toMatchObject({ tls: {} });
  });

  it("refuses a bad REDIS_URL without echoing it", () => {
    const fail = (env: Record<string, string>) => {
      try {
        read(env);
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    };
    expect(fail({ REDIS_URL: "not a url:secret" })).toMatch(/^REDIS_URL is not a valid URL/);
    expect(fail({ REDIS_URL: "not a url:secret" })).not.toContain("secret");
    expect(fail({ REDIS_URL: "http://u:secret@x" })).toBe(
      "REDIS_URL must use redis:// or rediss://, got http://",
    );
    expect(fail({ REDIS_URL: "redis://x/abc" })).toMatch(/database number/);
    expect(fail({ REDIS_URL: "redis://u:secret@x", REDIS_PASSWORD: "other" })).toMatch(/carries credentials/);
    expect(fail({ REDIS_URL: "redis://x", REDIS_TLS_CA_FILE: "ca.pem" })).toMatch(
      /need TLS on \(use rediss:\/\//,
    );
    expect(fail({ REDIS_URL: "redis://x", REDIS_TLS: "true" })).toMatch(/with REDIS_URL use rediss/);
    expect(fail({ REDIS_URL: "redis://x", REDIS_DB: "1" })).toMatch(/^REDIS_DB: only with REDIS_SENTINELS/);
    expect(fail({ REDIS_URL: "rediss://x", REDIS_TLS_CERT_FILE: "c.pem" })).toBe(
      "REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together",
    );
    expect(fail({ REDIS_URL: "redis://x", REDIS_USERNAME: "gw" })).toMatch(
      /REDIS_USERNAME needs REDIS_PASSWORD/,
    );
  });

  it("reads a Sentinel set-up: sentinels, master group, sentinel and data-node credentials, db, TLS", () => {
    expect(
      read({
        REDIS_SENTINELS: "s1:26379, s2:26379,[::1]:26380",
        REDIS_SENTINEL_MASTER: "mymaster",
        REDIS_SENTINEL_PASSWORD: "sp",
        REDIS_USERNAME: "gw",
        REDIS_PASSWORD: "pw",
        REDIS_DB: "3",
        REDIS_TLS: "true",
        REDIS_TLS_CA_FILE: "/etc/ca.pem",
      }),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      masterName: "mymaster",
      sentinelPassword: "sp",
      username: "gw",
      password: "pw",
      db: 3,
      tls: { caFile: "/etc/ca.pem" },
    });
    expect(() => read({ REDIS_SENTINELS: "s1:26379" })).toThrow(
      /REDIS_SENTINELS needs REDIS_SENTINEL_MASTER/,
    );
    expect(() => read({ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_MASTER: "a b" })).toThrow(
      /REDIS_SENTINEL_MASTER may hold/,
    );
    expect(() =>
      read({ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_MASTER: "m", REDIS_TLS: "maybe" }),
    ).toThrow('REDIS_TLS must be true or false, got "maybe"');
  });

  it("reads a Cluster seed list; sentinel settings and a non-zero db are refused", () => {
    expect(read({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,10.0.0.2:7000", REDIS_PASSWORD: "pw" })).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7000 },
      ],
      password: "pw",
    });
    expect(() => read({ REDIS_CLUSTER_NODES: "a:7000", REDIS_SENTINEL_MASTER: "m" })).toThrow(
      "REDIS_SENTINEL_MASTER: only with REDIS_SENTINELS",
    );
    expect(() => read({ REDIS_CLUSTER_NODES: "a:7000", REDIS_DB: "1" })).toThrow(/only database 0/);
    expect(read({ REDIS_CLUSTER_NODES: "a:7000", REDIS_TLS: "1" })).toMatchObject({ tls: {} });
  });

  it("describes a topology for the log without its passwords", () => {
    const text = JSON.stringify([
      describeRedisTopology(read({ REDIS_URL: "redis://gw:secret@h:1" }) as never),
      describeRedisTopology(
        read({
          REDIS_SENTINELS: "s:1",
          REDIS_SENTINEL_MASTER: "m",
          REDIS_SENTINEL_PASSWORD: "secret",
          REDIS_PASSWORD: "secret",
        }) as never,
      ),
      describeRedisTopology(
        read({ REDIS_CLUSTER_NODES: "a:1", REDIS_USERNAME: "gw", REDIS_PASSWORD: "secret" }) as never,
      ),
    ]);
    expect(text).not.toContain("secret");
    expect(text).toContain('"user":"gw"');
  });
});

describe("parseNodeList", () => {
  it("names the variable and the entry", () => {
    expect(() => parseNodeList("a:1,,b:2", "REDIS_CLUSTER_NODES")).toThrow(
      /^REDIS_CLUSTER_NODES: empty entry/,
    );
    expect(() => parseNodeList("a", "REDIS_CLUSTER_NODES")).toThrow(
      'REDIS_CLUSTER_NODES: "a" is not host:port',
    );
    expect(() => parseNodeList("a:0", "X")).toThrow('X: "a:0" has no valid port (1-65535)');
    expect(() => parseNodeList("a:70000", "X")).toThrow(/no valid port/);
    expect(() => parseNodeList("::1:7000", "X")).toThrow(/IPv6 as \[addr\]:port/);
    expect(() => parseNodeList("a:1,a:1", "X")).toThrow("X: a:1 is listed twice");
    expect(parseNodeList("redis-0.redis.svc:6379", "X")).toEqual([{ host: "redis-0.redis.svc", port: 6379 }]);
  });
});

// Redis with an ACL user (real ACL SETUSER, keys limited to central's prefixes)
// over redis://user:password@, and over TLS (rediss://, a CA file, a client
// certificate) when this redis-server was built with TLS.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisConnectionLog } from "../../src/redis/connection-log.ts";
import { createCentralRedis } from "../../src/redis/index.ts";
import { type CentralProcess, startCentralProcess } from "../support/central-process.ts";
import { type RecordingUpstream, startUpstream } from "../support/upstream.ts";
import { burst, CENTRAL_ENV, LIMIT, logged, tally, topologyConfig, waitForLogs } from "./gateway.ts";
import {
  findBinary,
  missingRedisBinaries,
  type RedisProcess,
  redisCli,
  spawnOnFreePorts,
  waitFor,
} from "./redis-processes.ts";

const run = promisify(execFile);
const PASSWORD = `pw-${randomUUID()}`;
const COMMON = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

/** The ACL user central runs as: only its own key prefixes, no dangerous commands. */
async function addGatewayUser(port: number, ...tls: string[]): Promise<void> {
  const reply = await redisCli(
    port,
    ...tls,
    ...["ACL", "SETUSER", "gateway", "on", `>${PASSWORD}`],
    ...["~rl:*", "~gateway:identity:jti:*", "~gw:*", "+@all", "-@dangerous"],
  );
  expect(reply.trim()).toBe("OK");
}

/** The outcome of connecting a client: "ready" or the error, with what the connection log wrote. */
async function tryConnect(url: string, extra: Record<string, string> = {}) {
  const lines: string[] = [];
  const logger = pino(
    { level: "debug" },
    {
      write: (line: string) => {
        lines.push(line);
      },
    },
  );
  const log = createRedisConnectionLog(logger);
  const redis = createCentralRedis(
    { kind: "single", url, ...(extra.caFile === undefined ? {} : { tls: { caFile: extra.caFile } }) },
    log.onError,
  );
  log.watch(redis);
  try {
    await redis.connect();
    return { outcome: "ready", lines };
  } catch {
    // the cause reaches the 'error' event (and so the connection log), not the rejection
    const warning = await waitFor("the connection log's warning", async () =>
      lines.find((line) => line.includes("redis unavailable")),
    );
    return { outcome: warning, lines };
  } finally {
    redis.disconnect();
  }
}

const missing = missingRedisBinaries();
if (missing !== undefined) console.warn(`SKIPPED Redis ACL/TLS tests: ${missing}`);

describe.skipIf(missing !== undefined)("Redis ACL user and TLS", () => {
  let upstream: RecordingUpstream;
  let yaml: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    yaml = topologyConfig(upstream.url);
  });
  afterAll(() => upstream?.close());

  describe("an ACL user over redis://user:password@", () => {
    let server: RedisProcess;
    let central: CentralProcess;

    beforeAll(async () => {
      server = await spawnOnFreePorts(1, ([port]) => ["--port", String(port), ...COMMON], /Ready to accept/);
      await addGatewayUser(server.port);
      central = await startCentralProcess(yaml, {
        REDIS_URL: `redis://gateway:${PASSWORD}@127.0.0.1:${server.port}`,
        ...CENTRAL_ENV,
      });
    }, 30_000);
    afterAll(async () => {
      await central?.stop();
      await server?.stop();
    });

    it("limits exactly with only its own key prefixes, and logs the user, never the password", async () => {
      const sub = `acl-${randomUUID()}`;
      expect(tally(await burst([central], "/multi", sub, 2 * LIMIT))).toEqual({ 200: LIMIT, 429: LIMIT });
      await waitForLogs(central, ["redis"]);
      expect(logged(central, "redis")).toEqual([
        expect.objectContaining({ topology: "single", user: "gateway" }),
      ]);
      expect(central.logs().join("\n")).not.toContain(PASSWORD);
      // the keys were written as that user, and that user can touch nothing else
      const as = ["--user", "gateway", "--pass", PASSWORD, "--no-auth-warning"];
      expect((await redisCli(server.port, ...as, "--scan", "--pattern", `rl:*${sub}*`)).trim()).not.toBe("");
      expect(await redisCli(server.port, ...as, "set", "other:key", "1")).toMatch(/NOPERM/);
    });

    it("refuses a wrong password: the connection log names the error once, without the secret", async () => {
      const wrong = `wrong-${randomUUID()}`;
      const { outcome, lines } = await tryConnect(`redis://gateway:${wrong}@127.0.0.1:${server.port}`);
      expect(outcome).toMatch(/WRONGPASS/);
      expect(lines.join("\n")).not.toContain(wrong);
    });
  });

  describe("TLS: rediss:// with REDIS_TLS_CA_FILE and a client certificate", () => {
    let dir: string;
    let server: RedisProcess | undefined;
    let central: CentralProcess | undefined;
    let unsupported: string | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "redis-tls-"));
      const openssl = findBinary("openssl");
      if (openssl === undefined) {
        unsupported = "openssl is not installed (needed to make the test certificates)";
        return;
      }
      const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
      const file = (name: string) => join(dir, name);
      await run(openssl, [
        "req",
        "-x509",
        ...ec,
        "-keyout",
        file("ca.key"),
        "-out",
        file("ca.crt"),
        "-days",
        "1",
        "-subj",
        "/CN=gateway-test-ca",
      ]);
      await writeFile(file("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
      for (const name of ["server", "client"]) {
        await run(openssl, [
          "req",
          ...ec,
          "-keyout",
          file(`${name}.key`),
          "-out",
          file(`${name}.csr`),
          "-subj",
          `/CN=${name}`,
        ]);
        await run(openssl, [
          ...["x509", "-req", "-in", file(`${name}.csr`), "-CA", file("ca.crt"), "-CAkey", file("ca.key")],
          ...["-CAcreateserial", "-out", file(`${name}.crt`), "-days", "1", "-extfile", file("san.ext")],
        ]);
      }
      try {
        server = await spawnOnFreePorts(
          1,
          ([port]) => [
            ...["--port", "0", "--tls-port", String(port), ...COMMON],
            ...["--tls-cert-file", file("server.crt"), "--tls-key-file", file("server.key")],
            ...["--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "yes"],
          ],
          /Ready to accept/,
        );
      } catch (error) {
        const message = (error as Error).message;
        if (!/TLS|tls/.test(message) || /Address already in use/.test(message)) throw error;
        unsupported = "this redis-server was built without TLS";
        return;
      }
      const tlsCli = [
        "--tls",
        "--cacert",
        file("ca.crt"),
        "--cert",
        file("client.crt"),
        "--key",
        file("client.key"),
      ];
      await addGatewayUser(server.port, ...tlsCli);
      central = await startCentralProcess(yaml, {
        REDIS_URL: `rediss://gateway:${PASSWORD}@127.0.0.1:${server.port}`,
        REDIS_TLS_CA_FILE: file("ca.crt"),
        REDIS_TLS_CERT_FILE: file("client.crt"),
        REDIS_TLS_KEY_FILE: file("client.key"),
        ...CENTRAL_ENV,
      });
    }, 30_000);
    afterAll(async () => {
      await central?.stop();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it("limits exactly over mutual TLS as the ACL user", async (context) => {
      if (unsupported !== undefined) {
        console.warn(`SKIPPED Redis TLS test: ${unsupported}`);
        context.skip();
      }
      const sub = `tls-${randomUUID()}`;
      expect(tally(await burst([central as CentralProcess], "/gcra", sub, 2 * LIMIT))).toEqual({
        200: LIMIT,
        429: LIMIT,
      });
      await waitForLogs(central as CentralProcess, ["redis"]);
      expect(logged(central as CentralProcess, "redis")).toEqual([
        expect.objectContaining({ topology: "single", user: "gateway", tls: "mutual" }),
      ]);
    });

    it("refuses a server certificate it cannot verify (no CA file)", async (context) => {
      if (unsupported !== undefined) context.skip();
      const { outcome } = await tryConnect(
        `rediss://gateway:${PASSWORD}@127.0.0.1:${(server as RedisProcess).port}`,
      );
      expect(outcome).toMatch(/certificate|self.signed/i);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetworkAllowlist, parseCidrList } from "../../src/server/network-allowlist/index.ts";
import { type SecureCentral, startSecureCentral } from "./support/central.ts";
import { createTestPki, type TestPki } from "./support/certs.ts";
import { securityConfigYaml } from "./support/config.ts";
import { errorCode, sendRaw } from "./support/raw.ts";
import { attack, expectStillServing, signedHead } from "./support/suite.ts";
import { startWatchedUpstream, type WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
beforeAll(async () => {
  upstream = await startWatchedUpstream();
});
afterAll(() => upstream?.close());

describe("network allowlist (CENTRAL_ALLOWED_CIDRS)", () => {
  let denying: SecureCentral;
  let allowing: SecureCentral;
  let dualStack: SecureCentral;
  beforeAll(async () => {
    const yaml = securityConfigYaml({ upstream: upstream.url });
    const allowlist = (text: string) => ({ allowlist: createNetworkAllowlist(parseCidrList(text)) });
    denying = await startSecureCentral({ yaml, server: allowlist("10.0.0.0/8, ::1/128") });
    allowing = await startSecureCentral({ yaml, server: allowlist("10.0.0.0/8,127.0.0.1/32") });
    dualStack = await startSecureCentral({ yaml, server: allowlist("127.0.0.0/8"), host: "::" });
  });
  afterAll(async () => {
    await denying?.close();
    await allowing?.close();
    await dualStack?.close();
  });

  it("a peer outside the networks gets 403 forbidden and a closed connection, even with a valid token and keep-alive", async () => {
    const head = await signedHead(denying, "GET", "/api/public/x", "Connection: keep-alive\r\n");
    const response = await attack(denying, upstream, `${head}\r\n`, { timeoutMs: 2000 });
    expect(response.statusLine).toBe("HTTP/1.1 403 Forbidden");
    expect(errorCode(response)).toBe("forbidden");
    expect(response.headers.connection).toBe("close");
    expect(response.closedByServer).toBe(true);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("health endpoints follow the same rule", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const response = await sendRaw(denying.port, `GET ${path} HTTP/1.1\r\nHost: c\r\n\r\n`);
      expect(response.status, path).toBe(403);
      expect(response.closedByServer).toBe(true);
    }
    const allowed = await sendRaw(
      allowing.port,
      "GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n",
    );
    expect(allowed.status).toBe(200);
  });

  it("CONNECT and upgrades from a denied peer get 403 too", async () => {
    const response = await sendRaw(denying.port, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n");
    expect(response.status).toBe(403);
  });

  it("a peer inside the networks is served normally", async () => {
    await expectStillServing(allowing);
  });

  it("a dual-stack listener sees ::ffff:127.0.0.1 and checks it as 127.0.0.1", async () => {
    await expectStillServing(dualStack);
  });

  it("parses lists and matches both families", () => {
    const list = createNetworkAllowlist(parseCidrList(" 10.0.0.0/8 , 192.168.1.7, fd00::/8 "));
    expect(list.allows("10.255.0.1")).toBe(true);
    expect(list.allows("11.0.0.1")).toBe(false);
    expect(list.allows("192.168.1.7")).toBe(true);
    expect(list.allows("192.168.1.8")).toBe(false);
    expect(list.allows("::ffff:10.1.2.3")).toBe(true);
    expect(list.allows("fd12::1")).toBe(true);
    expect(list.allows("fe80::1")).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows("not-an-ip")).toBe(false);
    for (const bad of [
      "",
      " , ",
      "10.0.0.0/33",
      "::1/129",
      "10.0.0/8",
      "host.example",
      "10.0.0.0/-1",
      "10.0.0.0/8/1",
    ]) {
      expect(() => parseCidrList(bad), bad).toThrow();
    }
  });
});

describe("mutual TLS (CENTRAL_TLS_CERT_FILE, CENTRAL_TLS_KEY_FILE, CENTRAL_TLS_CLIENT_CA_FILE)", () => {
  let pki: TestPki;
  let central: SecureCentral;
  beforeAll(async () => {
    pki = createTestPki();
    central = await startSecureCentral({
      yaml: securityConfigYaml({ upstream: upstream.url }),
      tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert },
    });
  }, 30_000);
  afterAll(async () => {
    await central?.close();
    pki?.remove();
  });

  const clientTls = () => ({
    ca: pki.caCert,
    cert: pki.clientCert,
    key: pki.clientKey,
    servername: "localhost",
  });

  it("the edge's client certificate is accepted; gateway responses carry HSTS", async () => {
    const head = await signedHead(central, "GET", "/api/public/tls", "Connection: close\r\n");
    const response = await sendRaw(central.port, `${head}\r\n`, { tls: clientTls() });
    expect(response.statusLine).toBe("HTTP/1.1 200 OK");
    // TLS on the link says nothing about the client's scheme: only a signed xfp claim sets X-Forwarded-Proto.
    expect(upstream.requests.at(-1)?.headers["x-forwarded-proto"]).toBeUndefined();
    const health = await sendRaw(
      central.port,
      "GET /healthz HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n",
      {
        tls: clientTls(),
      },
    );
    expect(health.status).toBe(200);
    expect(health.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("no client certificate → the handshake fails, nothing is parsed or forwarded", async () => {
    const before = upstream.started.length;
    const outcome = await sendRaw(central.port, "GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n", {
      tls: { ca: pki.caCert, servername: "localhost" },
    }).then(
      (response) => response.text,
      (error: Error) => `error: ${error.message}`,
    );
    expect(outcome).not.toContain("HTTP/1.1");
    expect(upstream.started.length).toBe(before);
  });

  it("a certificate from another CA → the handshake fails", async () => {
    const outcome = await sendRaw(central.port, "GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n", {
      tls: { ca: pki.caCert, cert: pki.rogueCert, key: pki.rogueKey, servername: "localhost" },
    }).then(
      (response) => response.text,
      (error: Error) => `error: ${error.message}`,
    );
    expect(outcome).not.toContain("HTTP/1.1");
  });

  it("plain HTTP to the TLS port gets no HTTP answer", async () => {
    const response = await sendRaw(central.port, "GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n", {
      timeoutMs: 2000,
    });
    expect(response.text).not.toContain("200 OK");
    expect(response.closedByServer).toBe(true);
  });
});

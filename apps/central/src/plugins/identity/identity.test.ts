import {
  createIdentitySigner,
  createIdentityVerifier,
  generateIdentityKeyPair,
  type IdentitySigner,
} from "@gateway/identity";
import { IDENTITY_HEADER } from "@gateway/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { gatewayContext } from "../../context.ts";
import { createReplayProtection, type ReplayProtection } from "../../replay/index.ts";
import { createIdentityVerification } from "./index.ts";

let app: MiniApp;
let failingApp: MiniApp;
let signer: IdentitySigner;
let keys: Awaited<ReturnType<typeof generateIdentityKeyPair>>;

beforeAll(async () => {
  keys = await generateIdentityKeyPair("edge-unit");
  signer = await createIdentitySigner({ privateJwk: keys.privateJwk, issuer: "edge", ttlSeconds: 30 });
  const options = {
    publicKeys: { keys: [keys.publicJwk] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  };
  const logger = pino({ level: "silent" });
  const echo = (_req: unknown, res: import("express").Response) => {
    const context = gatewayContext(res);
    res.json({ sub: context.identity?.sub, clientIp: context.clientIp });
  };
  app = await startMiniApp(
    [createIdentityVerification({ verifier: await createIdentityVerifier(options), logger })],
    echo,
  );
  const brokenStore = { remember: () => Promise.reject(new Error("redis down")) };
  const failing = await createIdentityVerifier({ ...options, replayStore: brokenStore });
  failingApp = await startMiniApp([createIdentityVerification({ verifier: failing, logger })], echo);
});
afterAll(async () => {
  await app.close();
  await failingApp.close();
});

const token = (pathAndQuery: string, cip?: string) =>
  signer.sign({
    identity: { sub: "carol", roles: [], scopes: [], auth: "jwt" },
    audience: "central",
    method: "GET",
    pathAndQuery,
    ...(cip === undefined ? {} : { clientIp: cip }),
  });

describe("identity verification", () => {
  it("puts the claims on the context and takes the client IP from cip", async () => {
    const response = await fetch(`${app.url}/p?q=1`, {
      headers: { [IDENTITY_HEADER]: await token("/p?q=1", "192.0.2.4") },
    });
    expect(await response.json()).toEqual({ sub: "carol", clientIp: "192.0.2.4" });
  });

  it("keeps the socket peer as client IP when the token has no cip", async () => {
    const response = await fetch(`${app.url}/p`, { headers: { [IDENTITY_HEADER]: await token("/p") } });
    expect(await response.json()).toEqual({ sub: "carol", clientIp: "127.0.0.1" });
  });

  it("401 unauthorized without a token, 401 invalid_identity with a bad one", async () => {
    const missing = await fetch(`${app.url}/p`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const bad = await fetch(`${app.url}/p`, { headers: { [IDENTITY_HEADER]: await token("/other") } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_identity");
  });

  it("with replay protection, hands the jti and exp + skew on as a pending replay check", async () => {
    const deferring = await startMiniApp(
      [
        createIdentityVerification({
          verifier: await createIdentityVerifier({
            publicKeys: { keys: [keys.publicJwk] },
            audience: "central",
            issuers: ["edge"],
            clockSkewSeconds: 5,
          }),
          logger: pino({ level: "silent" }),
          replay: createReplayProtection(
            { replayProtection: true, replayFailMode: "closed", clockSkewSeconds: 5 },
            { logger: pino({ level: "silent" }) },
          ) as ReplayProtection,
        }),
      ],
      (_req, res) => {
        res.json(gatewayContext(res).replay);
      },
    );
    try {
      const token = await signer.sign({
        identity: { sub: "carol", roles: [], scopes: [], auth: "jwt" },
        audience: "central",
        method: "GET",
        pathAndQuery: "/p",
      });
      const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()) as {
        jti: string;
        exp: number;
      };
      const response = await fetch(`${deferring.url}/p`, { headers: { [IDENTITY_HEADER]: token } });
      // the jti key goes in the consumer's hash slot (docs/scaling.md, "Redis key layout")
      expect(await response.json()).toEqual({
        jti: claims.jti,
        expiresAt: claims.exp + 5,
        tag: "{consumer=carol}",
      });
    } finally {
      await deferring.close();
    }
  });

  it("fails closed with 503 when the replay store cannot answer", async () => {
    const response = await fetch(`${failingApp.url}/p`, {
      headers: { [IDENTITY_HEADER]: await token("/p") },
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");
  });
});

// The typical Express + http-proxy-middleware + JWT + Redis limiter gateway.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { freePort } from "@gateway/testing";
import { SignJWT } from "jose";
import { waitForHttp } from "../lib/wait-for-http.ts";
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";

const SERVER = fileURLToPath(new URL("../baseline/server.ts", import.meta.url));

async function mintHs256(secret: string): Promise<string> {
  return new SignJWT({ roles: ["user"] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("bench-user")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secret));
}

export const baselineContestant: ContestantDefinition = {
  id: "baseline",
  label: "Express baseline",
  async start(context: BenchContext): Promise<Contestant> {
    const port = await freePort();
    const secret = randomBytes(32).toString("hex");
    const child = context.registry.spawn("baseline", process.execPath, [SERVER], {
      env: {
        PORT: String(port),
        UPSTREAM_URL: context.upstreamUrl,
        REDIS_URL: context.redisUrl,
        JWT_SECRET: secret,
        NODE_ENV: "production",
      },
      ...(context.serverCores ? { cores: context.serverCores } : {}),
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, {
      isDead: () => (child.hasExited() ? `baseline exited during start-up:\n${child.output()}` : undefined),
    });
    const token = await mintHs256(secret);
    const url = `http://127.0.0.1:${port}${context.path}`;
    const headers = { authorization: `Bearer ${token}` };
    const check = await fetch(url, { headers });
    await check.arrayBuffer();
    if (check.status !== 200) throw new Error(`baseline answered ${check.status} to a signed request`);
    return {
      id: "baseline",
      label: "Express baseline",
      url,
      headers: async () => headers,
      cpuPids: () => [child.pid],
      rssPid: () => child.pid,
      assertAlive: () => context.registry.assertAlive(child),
      stop: () => context.registry.stop(child),
    };
  },
};

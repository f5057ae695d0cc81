import { afterEach, describe, expect, it, vi } from "vitest";
import { redisGlobalSetup } from "../src/index.ts";
import { ping } from "./redis-ping.ts";

function recordingProject() {
  const provided: Record<string, unknown> = {};
  return {
    provided,
    provide: ((key: string, value: unknown) => {
      provided[key] = value;
    }) as Parameters<typeof redisGlobalSetup>[0]["provide"],
  };
}

describe("redisGlobalSetup", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("provides $REDIS_URL as is and starts nothing when it is set", async () => {
    vi.stubEnv("REDIS_URL", "redis://127.0.0.1:1");
    const project = recordingProject();
    const teardown = await redisGlobalSetup(project);
    expect(project.provided).toEqual({ redisUrl: "redis://127.0.0.1:1" });
    expect(teardown).toBeUndefined();
  });

  it("starts a private redis-server when $REDIS_URL is unset and stops it on teardown", async () => {
    vi.stubEnv("REDIS_URL", undefined);
    const project = recordingProject();
    const teardown = await redisGlobalSetup(project);
    const url = new URL(String(project.provided.redisUrl));
    expect(url.protocol).toBe("redis:");
    expect(await ping(Number(url.port))).toBe("+PONG");
    await teardown?.();
    await expect(ping(Number(url.port))).rejects.toThrow(/ECONNREFUSED/);
  });
});

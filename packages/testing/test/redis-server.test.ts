import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../src/index.ts";
import { ping } from "./redis-ping.ts";

describe("startRedisServer", () => {
  let redis: RedisServerHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    redis?.resume();
    await redis?.kill();
  });

  it("answers PING on its port", async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.port)).toBe("+PONG");
  });

  it("stops answering after kill and answers again on the same port after restart", async () => {
    await redis.kill("SIGKILL");
    await expect(ping(redis.port)).rejects.toThrow(/ECONNREFUSED/);
    await redis.restart();
    expect(await ping(redis.port)).toBe("+PONG");
  });

  it("does not answer while paused and answers again once resumed", async () => {
    redis.pause();
    await expect(ping(redis.port, 300)).rejects.toThrow(/no reply/);
    redis.resume();
    expect(await ping(redis.port)).toBe("+PONG");
  });
});

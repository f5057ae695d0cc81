import { describe, expect, it } from "vitest";
import { createAdminTokenCheck } from "./admin-auth.ts";
import { DEFAULT_ADMIN_PORT, readConsumersEnv } from "./env.ts";

const secret = "s".repeat(32);

describe("consumers env", () => {
  it("defaults: no pepper, no admin API, loopback admin port, live keys", () => {
    expect(readConsumersEnv({})).toEqual({
      adminHost: "127.0.0.1",
      adminPort: DEFAULT_ADMIN_PORT,
      keyEnvironment: "live",
    });
  });

  it("reads the pepper, the admin credential, the listener and the key environment", () => {
    const env = readConsumersEnv({
      API_KEY_PEPPER: secret,
      CENTRAL_ADMIN_TOKEN: secret,
      CENTRAL_ADMIN_HOST: "10.0.0.5",
      CENTRAL_ADMIN_PORT: "9999",
      API_KEY_ENVIRONMENT: "test",
    });
    expect(env).toMatchObject({
      adminToken: secret,
      adminHost: "10.0.0.5",
      adminPort: 9999,
      keyEnvironment: "test",
    });
    expect(env.pepper?.toString()).toBe(secret);
  });

  it("refuses short secrets without echoing them, and unknown key environments", () => {
    expect(() => readConsumersEnv({ API_KEY_PEPPER: "hunter2" })).toThrow(
      "API_KEY_PEPPER must be at least 32 characters (e.g. openssl rand -base64 32)",
    );
    expect(() => readConsumersEnv({ CENTRAL_ADMIN_TOKEN: "hunter2" })).toThrow(
      /^CENTRAL_ADMIN_TOKEN must be/,
    );
    try {
      readConsumersEnv({ CENTRAL_ADMIN_TOKEN: "hunter2" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
    expect(() => readConsumersEnv({ API_KEY_ENVIRONMENT: "prod" })).toThrow(
      'API_KEY_ENVIRONMENT must be "live" or "test"',
    );
    expect(() => readConsumersEnv({ CENTRAL_ADMIN_PORT: "http" })).toThrow(/CENTRAL_ADMIN_PORT/);
  });
});

describe("admin credential check", () => {
  it("accepts exactly Bearer <token>", () => {
    const check = createAdminTokenCheck(secret);
    expect(check(`Bearer ${secret}`)).toBe(true);
    expect(check(`bearer ${secret}`)).toBe(true);
    for (const header of [
      undefined,
      "",
      secret,
      `Basic ${secret}`,
      `Bearer ${secret}x`,
      `Bearer ${secret.slice(1)}`,
      "Bearer ",
    ]) {
      expect(check(header)).toBe(false);
    }
  });
});

import { generateIdentityKeyPair } from "@gateway/identity";
import { describe, expect, it } from "vitest";
import { readDemoUsersConfig } from "../src/config.ts";

describe("readDemoUsersConfig", async () => {
  const jwks = JSON.stringify({ keys: [(await generateIdentityKeyPair("k1")).publicJwk] });

  it("defaults to 127.0.0.1:8081 and the route names gateway.config.yaml sends here", () => {
    const config = readDemoUsersConfig({ GATEWAY_IDENTITY_JWKS: jwks });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8081,
      audiences: ["users", "public", "catalog", "admin", "partners", "ws"],
    });
    expect(config.publicKeys.keys).toHaveLength(1);
  });

  it("reads a comma list of audiences, a host and a port", () => {
    const config = readDemoUsersConfig({
      GATEWAY_IDENTITY_JWKS: jwks,
      DEMO_USERS_AUDIENCE: " users ,accounts,",
      DEMO_USERS_HOST: "0.0.0.0",
      DEMO_USERS_PORT: "9081",
    });
    expect(config).toMatchObject({ host: "0.0.0.0", port: 9081, audiences: ["users", "accounts"] });
  });

  it("names the variable that is wrong", () => {
    expect(() => readDemoUsersConfig({ GATEWAY_IDENTITY_JWKS: jwks, DEMO_USERS_PORT: "http" })).toThrow(
      /DEMO_USERS_PORT/,
    );
    expect(() => readDemoUsersConfig({ GATEWAY_IDENTITY_JWKS: "{}" })).toThrow(/GATEWAY_IDENTITY_JWKS/);
    expect(() => readDemoUsersConfig({ GATEWAY_IDENTITY_JWKS: jwks, DEMO_USERS_AUDIENCE: " , " })).toThrow(
      /DEMO_USERS_AUDIENCE/,
    );
  });
});

import { readPortEnv } from "@gateway/config/env";
import { parseJwksEnv } from "@gateway/identity";

export interface DemoUsersConfig {
  port: number;
  host: string;
  audiences: string[];
  publicKeys: { keys: JsonWebKey[] };
}

type Env = Record<string, string | undefined>;

/**
 * Central signs with `aud` = the route name; gateway.config.yaml routes
 * "users", "public", "catalog", "admin", "partners" and "ws" (WebSocket echo) all to this service.
 */
export const DEFAULT_AUDIENCES = "users,public,catalog,admin,partners,ws";

export function readDemoUsersConfig(env: Env): DemoUsersConfig {
  const audiences = (env.DEMO_USERS_AUDIENCE || DEFAULT_AUDIENCES)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (audiences.length === 0) throw new Error("DEMO_USERS_AUDIENCE: must name at least one audience");
  return {
    port: readPortEnv(env.DEMO_USERS_PORT, "DEMO_USERS_PORT", 8081),
    host: env.DEMO_USERS_HOST || "127.0.0.1",
    audiences,
    publicKeys: parseJwksEnv(env.GATEWAY_IDENTITY_JWKS, "GATEWAY_IDENTITY_JWKS"),
  };
}

import { readPortEnv } from "@gateway/config/env";
import type { KeyEnvironment } from "./key-material.ts";

export interface ConsumersEnv {
  /** API_KEY_PEPPER: the HMAC secret keys are hashed with; undefined = not configured. */
  pepper?: Buffer;
  /** CENTRAL_ADMIN_TOKEN: bearer credential of the admin API; undefined = no admin API. */
  adminToken?: string;
  adminHost: string;
  adminPort: number;
  /** API_KEY_ENVIRONMENT: the tag of new keys, gw_live_ (default) or gw_test_. */
  keyEnvironment: KeyEnvironment;
}

export const DEFAULT_ADMIN_PORT = 8089;
const MIN_SECRET_LENGTH = 32;

/** Errors name the variable and never echo its value. */
export function readConsumersEnv(env: NodeJS.ProcessEnv): ConsumersEnv {
  const secret = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    if (value.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `${name} must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
      );
    }
    return value;
  };
  const pepper = secret("API_KEY_PEPPER");
  const adminToken = secret("CENTRAL_ADMIN_TOKEN");
  const environment = env.API_KEY_ENVIRONMENT || "live";
  if (environment !== "live" && environment !== "test") {
    throw new Error('API_KEY_ENVIRONMENT must be "live" or "test"');
  }
  return {
    ...(pepper === undefined ? {} : { pepper: Buffer.from(pepper, "utf8") }),
    ...(adminToken === undefined ? {} : { adminToken }),
    adminHost: env.CENTRAL_ADMIN_HOST || "127.0.0.1",
    adminPort: readPortEnv(env.CENTRAL_ADMIN_PORT, "CENTRAL_ADMIN_PORT", DEFAULT_ADMIN_PORT),
    keyEnvironment: environment,
  };
}

import { resolve } from "node:path";
import { readPortEnv } from "@gateway/config/env";

export interface IssuerConfig {
  port: number;
  host: string;
  issuer: string;
  audience: string | string[];
  keysFile: string;
}

/** `<repo>/.dev/issuer-keys.json`, independent of the working directory. */
export const DEFAULT_KEYS_FILE = resolve(import.meta.dirname, "../../../.dev/issuer-keys.json");

type Env = Record<string, string | undefined>;

export function readIssuerConfig(env: Env): IssuerConfig {
  return {
    port: readPortEnv(env.DEMO_ISSUER_PORT, "DEMO_ISSUER_PORT", 8790),
    host: env.DEMO_ISSUER_HOST || "127.0.0.1",
    issuer: env.DEMO_ISSUER_ISS || "https://dev-issuer.gateway.local",
    audience: readAudience(env.DEMO_ISSUER_AUD || "gateway-api"),
    keysFile: keysFileFrom(env),
  };
}

/** DEMO_ISSUER_KEYS_FILE, else the dev stack's state folder (GW_STATE_DIR, as `./gw dev` uses it), else `.dev/`. */
export function keysFileFrom(env: Env): string {
  if (env.DEMO_ISSUER_KEYS_FILE) return resolve(env.DEMO_ISSUER_KEYS_FILE);
  if (env.GW_STATE_DIR) return resolve(env.GW_STATE_DIR, "issuer-keys.json");
  return DEFAULT_KEYS_FILE;
}

/** A comma list becomes an array `aud`; a single value stays a string. */
export function readAudience(value: string): string | string[] {
  const audiences = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (audiences.length === 0) throw new Error("DEMO_ISSUER_AUD: must name at least one audience");
  return audiences.length === 1 ? (audiences[0] as string) : audiences;
}

import type { GatewayConfig } from "@gateway/types";
import { type AnalyseResult, analyseDocument, analyseText } from "./analyse.ts";
import { ConfigError } from "./config-error.ts";
import type { Env } from "./interpolate-env.ts";
import { formatIssue } from "./issues.ts";

/** Parses and validates gateway.config.yaml text. Throws ConfigError listing every issue. */
export function parseConfig(yamlText: string, env: Env = processEnv()): GatewayConfig {
  return unwrap(analyseText(yamlText, env));
}

/** Same as parseConfig for a document that is already parsed (e.g. from JSON). */
export function validateConfig(doc: unknown, env: Env = processEnv()): GatewayConfig {
  return unwrap(analyseDocument(doc, env));
}

function unwrap(result: AnalyseResult): GatewayConfig {
  if (result.ok) return result.config;
  throw new ConfigError(result.issues.map(formatIssue));
}

/** process.env where there is one (Node, workerd with nodejs_compat), without importing node:process. */
function processEnv(): Env {
  const maybeProcess = (globalThis as { process?: { env?: Env } }).process;
  return maybeProcess?.env ?? {};
}

import { readFile } from "node:fs/promises";
import type { GatewayConfig } from "@gateway/types";
import { analyseText } from "./analyse.ts";
import { ConfigError } from "./config-error.ts";
import { formatFileIssue } from "./issues.ts";

/**
 * Reads, parses and validates a config file. Every ConfigError issue starts
 * with the file path (and line:col where known), ready to print.
 */
export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError([`${path}: ${reason}`]);
  }
  const result = analyseText(text, env);
  if (result.ok) return result.config;
  throw new ConfigError(result.issues.map((issue) => formatFileIssue(path, issue)));
}

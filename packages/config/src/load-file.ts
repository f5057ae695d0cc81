import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
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
  if (result.ok) return withGrpcPathsFrom(dirname(resolve(path)), result.config);
  throw new ConfigError(result.issues.map((issue) => formatFileIssue(path, issue)));
}

/** gRPC proto files and include dirs are written relative to the config file; central may run elsewhere. */
function withGrpcPathsFrom(baseDir: string, config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    routes: config.routes.map((route) =>
      route.grpc === undefined
        ? route
        : {
            ...route,
            grpc: {
              ...route.grpc,
              protos: route.grpc.protos.map((file) => resolve(baseDir, file)),
              includeDirs: route.grpc.includeDirs.map((dir) => resolve(baseDir, dir)),
            },
          },
    ),
  };
}

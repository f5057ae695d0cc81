#!/usr/bin/env node
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { GatewayConfig } from "@gateway/types";
import { compileCentral, compileEdge } from "./compile.ts";
import { ConfigError } from "./config-error.ts";
import { contractHash } from "./contract/hash.ts";
import { edgeContract } from "./contract/index.ts";
import { checkTierPair } from "./contract/pair-check.ts";
import { wranglerEdgeBindings } from "./edge-rate-limit-bindings.ts";
import { defaultConfigPath } from "./find-config-file.ts";
import { loadConfigFile } from "./load-file.ts";

const SUBCOMMANDS = {
  check:
    "./gw check [path]                      validate a config file (also ./gw config check)\n" +
    "  ./gw check --edge <file> --central <file>   refuse an edge/central pair that disagree (YAML or compiled JSON)",
  compile: "./gw config compile --tier edge|central [--config path] [--out file]",
  "wrangler-bindings":
    "./gw config wrangler-bindings [path]   the edge rate-limit bindings wrangler.jsonc must declare",
} as const;
type Subcommand = keyof typeof SUBCOMMANDS;

const FOOTER = `path defaults to $GATEWAY_CONFIG, else the nearest gateway.config.yaml.
Exit status: 0 ok, 1 invalid config, 2 usage error.`;

const USAGE = `usage:
${Object.values(SUBCOMMANDS)
  .map((line) => `  ${line}`)
  .join("\n")}

${FOOTER}`;

function subcommandUsage(name: Subcommand): string {
  return `usage: ${SUBCOMMANDS[name]}\n\n${FOOTER}`;
}

class UsageError extends Error {}

const isHelp = (arg: string | undefined) => arg === "--help" || arg === "-h";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (isHelp(command) || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== undefined && Object.hasOwn(SUBCOMMANDS, command) && rest.some(isHelp)) {
    process.stdout.write(`${subcommandUsage(command as Subcommand)}\n`);
    return 0;
  }
  if (command === "check") return check(rest);
  if (command === "compile") return compile(rest);
  if (command === "wrangler-bindings") return wranglerBindings(rest);
  throw new UsageError(command === undefined ? "missing command" : `unknown command "${command}"`);
}

async function check(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    options: { edge: { type: "string" }, central: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.edge !== undefined || values.central !== undefined) {
    if (values.edge === undefined || values.central === undefined || positionals.length > 0) {
      throw new UsageError("check --edge <file> --central <file> takes both files and no other path");
    }
    return checkPair(values.edge, values.central);
  }
  if (positionals.length > 1) throw new UsageError("check takes at most one path");
  const file = positionals[0] ?? defaultConfigPath(process.env, process.cwd());
  const config = await loadConfigFile(file);
  // gRPC routes: their protos must load and every google.api.http rule must be servable.
  // Imported only when needed: protobufjs is not free to load.
  if (config.routes.some((route) => route.grpc !== undefined)) {
    const { loadRouteSchemas } = await import("@gateway/grpc-schema");
    const { problems } = loadRouteSchemas(config.routes);
    if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${file}: ${problem}`));
  }
  process.stdout.write(`ok: ${summary(config)}\n`);
  return 0;
}

/** Each disagreement on its own line with its config path; exit 1 when one would break requests. */
async function checkPair(edgeFile: string, centralFile: string): Promise<number> {
  const { edgeHash, centralHash, issues } = await checkTierPair(edgeFile, centralFile);
  for (const issue of issues) process.stderr.write(`${issue.severity}: ${issue.path}: ${issue.message}\n`);
  const errors = issues.filter((issue) => issue.severity === "error").length;
  if (errors > 0) {
    process.stderr.write(
      `edge ${edgeFile} (contract ${edgeHash}) and central ${centralFile} (contract ${centralHash}) disagree: ${errors} error(s)\n`,
    );
    return 1;
  }
  process.stdout.write(
    edgeHash === centralHash
      ? `ok: edge and central agree (contract ${edgeHash})\n`
      : `ok: edge (contract ${edgeHash}) and central (contract ${centralHash}) are compatible\n`,
  );
  return 0;
}

async function compile(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { tier: { type: "string" }, config: { type: "string" }, out: { type: "string" } },
    allowPositionals: false,
    strict: true,
  });
  if (values.tier !== "edge" && values.tier !== "central")
    throw new UsageError("--tier must be edge or central");
  const config = await loadConfigFile(values.config ?? defaultConfigPath(process.env, process.cwd()));
  // The edge bundle carries its contract hash: compare it with central's /readyz?verbose config.contract.
  const compiled =
    values.tier === "edge"
      ? (() => {
          const edge = compileEdge(config);
          return { ...edge, contractHash: contractHash(edgeContract(edge)) };
        })()
      : compileCentral(config);
  const json = `${JSON.stringify(compiled, null, 2)}\n`;
  if (values.out) await writeFile(values.out, json);
  else process.stdout.write(json);
  return 0;
}

async function wranglerBindings(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError("wrangler-bindings takes at most one path");
  const config = await loadConfigFile(positionals[0] ?? defaultConfigPath(process.env, process.cwd()));
  process.stdout.write(`${JSON.stringify(wranglerEdgeBindings(config.rateLimits.edge), null, 2)}\n`);
  return 0;
}

function summary(config: GatewayConfig): string {
  const policies = config.rateLimits.policies.length + config.rateLimits.edge.length;
  return `${config.routes.length} routes, ${config.jwt.issuers.length} issuers, ${policies} policies`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.issues.join("\n")}\n`);
    process.exitCode = 1;
  } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

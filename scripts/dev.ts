// `./gw dev`: the whole stack on this machine. Ports come from the environment
// (EDGE_PORT, CENTRAL_PORT, DEMO_USERS_PORT, DEMO_ISSUER_PORT, DEMO_ORDERS_PORT, EDGE_INSPECTOR_PORT),
// state from GW_STATE_DIR, so a second stack can run beside the first.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readPortEnv } from "@gateway/config/env";
import { busyPortMessage, claimStateDir, firstBusyPort } from "./dev-preflight.ts";
import { firstRequests } from "./first-requests.ts";
import { REPO_ROOT, type StackPorts, startStack } from "./stack.ts";

/** The variable that moves each port (named in the refusal when a port is taken). */
const PORT_ENV: Record<keyof StackPorts, string> = {
  edge: "EDGE_PORT",
  central: "CENTRAL_PORT",
  demoUsers: "DEMO_USERS_PORT",
  demoIssuer: "DEMO_ISSUER_PORT",
  demoOrders: "DEMO_ORDERS_PORT",
  centralAdmin: "CENTRAL_ADMIN_PORT",
  centralMetrics: "CENTRAL_METRICS_PORT",
  edgeInspector: "EDGE_INSPECTOR_PORT",
};

const USAGE = `usage: ./gw dev

Starts the dev issuer, demo services, central and the edge (wrangler dev) and
prints how to call them. Ctrl-C stops everything.

Environment:
  EDGE_PORT (8787), CENTRAL_PORT (8080), DEMO_USERS_PORT (8081),
  DEMO_ISSUER_PORT (8790), DEMO_ORDERS_PORT (50051),
  EDGE_INSPECTOR_PORT (9229),
  CENTRAL_ADMIN_PORT (8089),
  CENTRAL_METRICS_PORT (9464)  where each process listens
  GW_STATE_DIR (.dev)          keys, generated config and wrangler state of this stack
  GATEWAY_CONFIG               the config file (default gateway.config.yaml)
  REDIS_URL                    central's Redis (unset: in-process limiter)

Every port is checked before anything starts; a second stack needs other ports
and its own GW_STATE_DIR (README, "Two commands").`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 0) {
  console.error(`gw dev: unexpected argument "${args[0]}"\n${USAGE}`);
  process.exit(2);
}

function port(name: string, fallback: number): number {
  try {
    const value = readPortEnv(process.env[name], name, fallback);
    // The banner prints these addresses, so "any free port" (0) is not accepted here.
    if (value === 0) throw new Error(`${name} must be a TCP port (1-65535), got "0"`);
    return value;
  } catch (error) {
    console.error(`gw dev: ${(error as Error).message}`);
    process.exit(2);
  }
}

const ports = {
  edge: port("EDGE_PORT", 8787),
  central: port("CENTRAL_PORT", 8080),
  demoUsers: port("DEMO_USERS_PORT", 8081),
  demoIssuer: port("DEMO_ISSUER_PORT", 8790),
  edgeInspector: port("EDGE_INSPECTOR_PORT", 9229),
  demoOrders: port("DEMO_ORDERS_PORT", 50051),
  centralAdmin: port("CENTRAL_ADMIN_PORT", 8089),
  centralMetrics: port("CENTRAL_METRICS_PORT", 9464),
};
const stateDir = resolve(process.env.GW_STATE_DIR ?? join(REPO_ROOT, ".dev"));
const configPath = resolve(process.env.GATEWAY_CONFIG ?? join(REPO_ROOT, "gateway.config.yaml"));

const busy = await firstBusyPort(
  "127.0.0.1",
  (Object.keys(PORT_ENV) as Array<keyof StackPorts>).flatMap((key) => {
    const port = ports[key];
    return port === undefined ? [] : [{ name: key, port, env: PORT_ENV[key] }];
  }),
);
if (busy !== undefined) {
  console.error(`gw dev: ${busyPortMessage(busy)}`);
  process.exit(1);
}
mkdirSync(stateDir, { recursive: true });
const claim = claimStateDir(stateDir);
if (!claim.ok) {
  console.error(
    `gw dev: another ./gw dev (pid ${claim.pid}) uses the state folder ${stateDir}; set GW_STATE_DIR to another folder`,
  );
  process.exit(1);
}
process.on("exit", () => claim.release());

const colors: Record<string, string> = { issuer: "35", users: "36", orders: "34", central: "33", edge: "32" };

// EDGE_RUNTIME=workerd runs the edge as ./gw start-edge does (self-hosted workerd serve, docs/scaling.md).
const edgeRuntime = process.env.EDGE_RUNTIME || "wrangler";
if (edgeRuntime !== "wrangler" && edgeRuntime !== "workerd") {
  console.error(`gw dev: EDGE_RUNTIME must be wrangler or workerd, got "${edgeRuntime}"`);
  process.exit(2);
}

const stack = await startStack({
  ports,
  stateDir,
  configPath,
  edgeRuntime,
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  onOutput: (name, line) => console.log(`\x1b[${colors[name] ?? "0"}m${name.padEnd(7)}\x1b[0m ${line}`),
}).catch((error: unknown) => {
  console.error(`gw dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const tokenEnv = process.env.GW_STATE_DIR
  ? `DEMO_ISSUER_KEYS_FILE=${join(stateDir, "issuer-keys.json")} `
  : "";
const keysEnv =
  (process.env.GW_STATE_DIR ? `GW_STATE_DIR=${stateDir} ` : "") +
  (ports.centralAdmin === 8089 ? "" : `CENTRAL_ADMIN_PORT=${ports.centralAdmin} `);
const tryLines = firstRequests({
  edge: stack.urls.edge,
  tokenEnv,
  keysEnv,
  demoKey: stack.demoKey,
  ...(stack.trialKey === undefined ? {} : { trialKey: stack.trialKey }),
});
console.log(`
Gateway dev stack is up (config: ${configPath})
  edge     ${stack.urls.edge}   (${edgeRuntime === "workerd" ? "self-hosted: workerd serve" : "wrangler dev on workerd"})  ← call this
  central  ${stack.urls.central}   (${process.env.REDIS_URL ? `Redis ${process.env.REDIS_URL}` : "in-memory limiter, single replica"})
  users    ${stack.urls.demoUsers}   (demo REST service)
  issuer   ${stack.urls.demoIssuer}   (dev JWT issuer, JWKS at /.well-known/jwks.json)
  orders   127.0.0.1:${ports.demoOrders}   (demo gRPC service, transcoded at /api/orders)
  metrics  http://127.0.0.1:${ports.centralMetrics}/metrics   (central's Prometheus metrics, docs/operations.md)

Try:
${tryLines.map((line) => `  ${line}`).join("\n")}
Ctrl-C stops everything.
`);

let shuttingDown = false;
const shutdown = async (code: number) => {
  if (shuttingDown) return;
  shuttingDown = true;
  await stack.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
const { name, code } = await stack.exited;
console.error(`gw dev: ${name} exited with code ${code}; stopping the stack`);
await shutdown(1);

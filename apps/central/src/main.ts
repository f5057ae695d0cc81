import { readFileSync } from "node:fs";
import type { RequestListener, Server } from "node:http";
import { formatCidr } from "@gateway/config/cidr";
import { ConfigError, compileCentral, loadConfigFile } from "@gateway/config/node";
import type { GrpcSchema } from "@gateway/grpc-schema";
import type { CentralConfig, LimitsConfig } from "@gateway/types";
import type { Logger } from "pino";
import { type ComposedCentral, composeCentral } from "./composition/index.ts";
import { listenAdmin } from "./consumers/admin-listener.ts";
import { type ConsumersEnv, createConsumers, readConsumersEnv } from "./consumers/index.ts";
import { type CentralEnv, EnvError, readCentralEnv } from "./env.ts";
import { MissingHopKeysError } from "./identity/edge-token-verifier.ts";
import {
  createConfigReloader,
  createGracefulShutdown,
  createHandlerSwap,
  type ReloadStats,
  watchConfigFile,
} from "./lifecycle/index.ts";
import { createCentralLogger, createLogDestination } from "./logging/index.ts";
import { createMetrics, createMetricsServer, type GatewayMetrics } from "./metrics/index.ts";
import { createRedisConnectionLog } from "./redis/connection-log.ts";
import { type CentralRedis, createCentralRedis, describeRedisTopology } from "./redis/index.ts";
import { instrumentRedis } from "./redis/instrument.ts";
import { createServer, createTlsServer, type ServerSecurityOptions } from "./server/index.ts";
import { createNetworkAllowlist } from "./server/network-allowlist/index.ts";
import { createTracerFromEnv, OtelEnvError } from "./tracing/index.ts";
import type { UpgradeListener } from "./websocket/index.ts";

function readEnvFile(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new EnvError(
      `${variable}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
}

/** http, or https (mTLS with a client CA) when the TLS files are configured; allowlist and connection cap from env. */
function listenerFor(
  handler: RequestListener,
  limits: LimitsConfig,
  env: CentralEnv,
  websocketUpgrade: ServerSecurityOptions["websocketUpgrade"],
) {
  const options = {
    maxConnections: env.maxConnections,
    ...(websocketUpgrade === undefined ? {} : { websocketUpgrade }),
    ...(env.allowedNetworks === undefined ? {} : { allowlist: createNetworkAllowlist(env.allowedNetworks) }),
  };
  if (env.tls === undefined) return createServer(handler, limits, options);
  const { certFile, keyFile, clientCaFile } = env.tls;
  const tls = {
    cert: readEnvFile(certFile, "CENTRAL_TLS_CERT_FILE"),
    key: readEnvFile(keyFile, "CENTRAL_TLS_KEY_FILE"),
    ...(clientCaFile === undefined
      ? {}
      : { clientCa: readEnvFile(clientCaFile, "CENTRAL_TLS_CLIENT_CA_FILE") }),
  };
  return createTlsServer(handler, limits, tls, options);
}

/** The shared Redis (single, Sentinel or Cluster), connecting in the background (/readyz reports it until reachable). */
function connectRedis(env: CentralEnv, logger: Logger, metrics?: GatewayMetrics): CentralRedis | undefined {
  if (env.redis === undefined) {
    logger.warn(
      "REDIS_URL is not set: replay protection and rate limits use in-process memory (single-replica dev mode)",
    );
    return undefined;
  }
  // One line when Redis becomes unreachable, one when it is back (not one per reconnect attempt).
  const connectionLog = createRedisConnectionLog(logger);
  let redis: CentralRedis;
  try {
    redis = createCentralRedis(env.redis, connectionLog.onError, { requestTimeoutMs: env.redisTimeoutMs });
  } catch (error) {
    throw new EnvError((error as Error).message);
  }
  connectionLog.watch(redis);
  // A Cluster client sends through the same sendCommand (per node connection it routes to).
  if (metrics !== undefined) instrumentRedis(redis as Parameters<typeof instrumentRedis>[0], metrics);
  logger.info(describeRedisTopology(env.redis), "redis");
  // Not awaited (/readyz reports Redis until it is reachable) and not logged here: the
  // connection log reports an unreachable Redis once.
  redis.connect().catch(() => {});
  return redis;
}

/**
 * The gRPC routes' protos, loaded and checked like `./gw check` does (only imported when a route has
 * `grpc`). `file` prefixes each problem as `check` prints it (used on reload).
 */
async function loadGrpcSchemas(
  config: CentralConfig,
  file?: string,
): Promise<Map<string, GrpcSchema> | undefined> {
  if (!config.routes.some((route) => route.grpc !== undefined)) return undefined;
  const { loadRouteSchemas } = await import("@gateway/grpc-schema");
  const { schemas, problems } = loadRouteSchemas(config.routes);
  if (problems.length > 0) {
    throw new ConfigError(file === undefined ? problems : problems.map((problem) => `${file}: ${problem}`));
  }
  return schemas;
}

function readConsumers(): ConsumersEnv | undefined {
  try {
    return readConsumersEnv(process.env);
  } catch (error) {
    throw new EnvError((error as Error).message);
  }
}

/** Listener-level limits are fixed when the server is created; the rest of `limits` is read per request. */
function applyListenerLimits(
  server: Server,
  before: LimitsConfig,
  after: LimitsConfig,
  logger: Logger,
): void {
  server.headersTimeout = Math.min(after.headersTimeoutMs, after.requestTimeoutMs);
  server.requestTimeout = after.requestTimeoutMs;
  server.keepAliveTimeout = after.keepAliveTimeoutMs;
  server.maxHeadersCount = after.maxHeaderCount + 1;
  if (before.maxHeaderBytes !== after.maxHeaderBytes) {
    logger.warn(
      { running: before.maxHeaderBytes, configured: after.maxHeaderBytes },
      "limits.maxHeaderBytes changed: it takes effect when central restarts",
    );
  }
}

/** Reads the environment, builds the clients, composes central (src/composition/) and listens until a signal. */
async function main(): Promise<void> {
  // Until the reloader exists a SIGHUP must not kill the process (its default action).
  let onSighup = () => {};
  process.on("SIGHUP", () => onSighup());
  const env = readCentralEnv(process.env);
  const logger = createCentralLogger(env.logLevel, createLogDestination());
  const config = compileCentral(await loadConfigFile(env.configPath, process.env));
  const grpcSchemas = await loadGrpcSchemas(config);
  // Metrics only with CENTRAL_METRICS_PORT: their own listener, never the port the edge reaches.
  // One registry and one tracer for the process: they outlive config reloads.
  const processMetrics = env.metrics === undefined ? undefined : createMetrics();
  const { tracer, exporting } = await createTracerFromEnv(process.env);
  if (exporting)
    logger.info({ service: process.env.OTEL_SERVICE_NAME ?? "gateway-central" }, "exporting traces (OTEL_*)");
  const redis = connectRedis(env, logger, processMetrics);
  const consumersEnv = readConsumers();
  let running: { config: CentralConfig; central: ComposedCentral };
  // Built once for the process: API keys (in-process store in dev mode) and the admin API outlive reloads.
  const consumers =
    consumersEnv === undefined
      ? undefined
      : createConsumers({
          env: consumersEnv,
          logger,
          policyNames: () => running.config.rateLimits.policies.map((policy) => policy.name),
          ...(redis === undefined ? {} : { redis }),
        });
  let draining = false;
  let reloadStats: () => ReloadStats = () => ({ applied: 0, rejected: 0 });
  const compose = (compiled: CentralConfig, schemas: ReadonlyMap<string, GrpcSchema> | undefined) =>
    composeCentral(
      compiled,
      { ...env, ...(schemas === undefined ? {} : { grpcSchemas: schemas }) },
      {
        logger,
        tracer,
        ...(processMetrics === undefined ? {} : { metrics: processMetrics }),
        ...(redis === undefined ? {} : { redis }),
        ...(consumers === undefined ? {} : { consumers }),
        lifecycle: {
          notReadyReason: () => (draining ? "draining: this replica is shutting down" : undefined),
          details: () => ({ reloads: reloadStats() }),
        },
      },
    );
  running = { config, central: await compose(config, grpcSchemas) };
  // gateway_config_info / gateway_config_reloads_total, once central's metrics are on its registry.
  const metrics = () => running.central.registry.metrics;
  metrics()?.configLoaded(running.central.configHash);
  const metricsServer =
    processMetrics === undefined ? undefined : createMetricsServer(processMetrics.registry);
  if (metricsServer !== undefined && env.metrics !== undefined) {
    const { host, port } = env.metrics;
    metricsServer.listen(port, host).then(
      (bound) => logger.info({ host, port: bound }, "metrics listening (GET /metrics)"),
      (err: Error) => {
        console.error(`central: cannot listen on ${host}:${port} (CENTRAL_METRICS_PORT): ${err.message}`);
        process.exit(1);
      },
    );
  }
  const generationOf = (central: ComposedCentral) => ({ handler: central.app, close: () => central.close() });
  const swap = createHandlerSwap(generationOf(running.central));
  const admin = consumers?.adminApi && consumersEnv && listenAdmin(consumers.adminApi, consumersEnv, logger);
  // Stable like the request listener: upgrades go to the relay of the config current at their arrival.
  const websocketUpgrade = (...[req, socket, head]: Parameters<UpgradeListener>) => {
    const relay = running.central.websocket;
    if (relay === undefined) return false;
    relay.upgrade(req, socket, head);
    return true;
  };
  const server = listenerFor(swap.listener, config.limits, env, websocketUpgrade);
  server.once("error", (err: Error) => {
    console.error(`central: cannot listen on ${env.host}:${env.port}: ${err.message}`);
    process.exit(1);
  });

  const reloader = createConfigReloader<{ config: CentralConfig; central: ComposedCentral }>({
    initialHash: running.central.configHash,
    accepting: () => !draining,
    async build() {
      const next = compileCentral(await loadConfigFile(env.configPath, process.env));
      const central = await compose(next, await loadGrpcSchemas(next, env.configPath));
      return { value: { config: next, central }, hash: central.configHash };
    },
    apply({ value }) {
      applyListenerLimits(server, running.config.limits, value.config.limits, logger);
      running = value;
      swap.swap(generationOf(value.central));
    },
    discard: ({ value }) => value.central.close(),
    logger,
    metrics: {
      configLoaded: (hash) => metrics()?.configLoaded(hash),
      configReload: (result) => metrics()?.configReload(result),
    },
  });
  reloadStats = () => reloader.stats();
  onSighup = () => void reloader.reload("SIGHUP");
  const watcher = env.watchConfig
    ? watchConfigFile(env.configPath, () => void reloader.reload("file change"))
    : undefined;

  server.listen(env.port, env.host, () => {
    logger.info(
      {
        host: env.host,
        port: env.port,
        config: env.configPath,
        configHash: running.central.configHash,
        contractHash: running.central.contractHash,
        configWatch: env.watchConfig,
        routes: config.routes.length,
        tls: env.tls === undefined ? "off" : env.tls.clientCaFile === undefined ? "server-only" : "mutual",
        allowedNetworks: env.allowedNetworks?.map(formatCidr) ?? "any",
        maxConnections: env.maxConnections,
      },
      "central listening",
    );
  });

  const shutdown = createGracefulShutdown({
    server,
    swap,
    drainTimeoutMs: env.drainTimeoutMs,
    logger,
    onDraining: () => {
      draining = true;
      running.central.websocket?.close();
      watcher?.close();
      admin?.close();
      admin?.closeIdleConnections();
    },
    async closeClients() {
      admin?.closeAllConnections();
      await metricsServer?.close();
      await tracer.shutdown().catch(() => {});
      await consumers?.close();
      if (redis !== undefined) {
        // QUIT lets Redis close the connection cleanly; a Redis that does not answer is cut.
        await Promise.race([
          redis.quit().catch(() => {}),
          new Promise((resolve) => setTimeout(resolve, 1000)),
        ]);
        redis.disconnect();
      }
    },
    exit: (code) => logger.flush(() => process.exit(code)),
  });
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const issue of error.issues) console.error(`central: config error: ${issue}`);
  } else if (
    error instanceof EnvError ||
    error instanceof MissingHopKeysError ||
    error instanceof OtelEnvError
  ) {
    console.error(`central: environment error: ${error.message}`);
  } else {
    console.error(`central: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});

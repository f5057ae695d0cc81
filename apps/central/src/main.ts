import { readFileSync } from "node:fs";
import type { RequestListener } from "node:http";
import { formatCidr } from "@gateway/config/cidr";
import { ConfigError, compileCentral, loadConfigFile } from "@gateway/config/node";
import type { GrpcSchema } from "@gateway/grpc-schema";
import type { CentralConfig, LimitsConfig } from "@gateway/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { composeCentral } from "./composition/index.ts";
import { listenAdmin } from "./consumers/admin-listener.ts";
import { readConsumersEnv } from "./consumers/index.ts";
import { type CentralEnv, EnvError, readCentralEnv } from "./env.ts";
import { MissingHopKeysError } from "./identity/edge-token-verifier.ts";
import { createCentralLogger, createLogDestination } from "./logging/index.ts";
import { createMetrics, createMetricsServer, type GatewayMetrics } from "./metrics/index.ts";
import { createRedisConnectionLog } from "./redis/connection-log.ts";
import { createCentralRedis } from "./redis/index.ts";
import { instrumentRedis } from "./redis/instrument.ts";
import { createServer, createTlsServer } from "./server/index.ts";
import { createNetworkAllowlist } from "./server/network-allowlist/index.ts";
import { createTracerFromEnv, OtelEnvError } from "./tracing/index.ts";

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
function listenerFor(handler: RequestListener, limits: LimitsConfig, env: CentralEnv) {
  const options = {
    maxConnections: env.maxConnections,
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

/** The shared Redis from REDIS_URL, connecting in the background (/readyz reports it until reachable). */
function connectRedis(env: CentralEnv, logger: Logger, metrics?: GatewayMetrics): Redis | undefined {
  if (env.redisUrl === undefined) {
    logger.warn(
      "REDIS_URL is not set: replay protection and rate limits use in-process memory (single-replica dev mode)",
    );
    return undefined;
  }
  // One line when Redis becomes unreachable, one when it is back (not one per reconnect attempt).
  const connectionLog = createRedisConnectionLog(logger);
  const redis = createCentralRedis(env.redisUrl, connectionLog.onError);
  redis.on("ready", connectionLog.onReady);
  if (metrics !== undefined) instrumentRedis(redis, metrics);
  // Not awaited (/readyz reports Redis until it is reachable) and not logged here: the
  // connection log reports an unreachable Redis once.
  redis.connect().catch(() => {});
  return redis;
}

/** The gRPC routes' protos, loaded and checked like `./gw check` does (only imported when a route has `grpc`). */
async function loadGrpcSchemas(config: CentralConfig): Promise<Map<string, GrpcSchema> | undefined> {
  if (!config.routes.some((route) => route.grpc !== undefined)) return undefined;
  const { loadRouteSchemas } = await import("@gateway/grpc-schema");
  const { schemas, problems } = loadRouteSchemas(config.routes);
  if (problems.length > 0) throw new ConfigError(problems);
  return schemas;
}

/** Reads the environment, builds the clients, composes central (src/composition/) and listens until a signal. */
async function main(): Promise<void> {
  const env = readCentralEnv(process.env);
  const logger = createCentralLogger(env.logLevel, createLogDestination());
  const config = compileCentral(await loadConfigFile(env.configPath, process.env));
  const grpcSchemas = await loadGrpcSchemas(config);
  // Metrics only with CENTRAL_METRICS_PORT: their own listener, never the port the edge reaches.
  const metrics = env.metrics === undefined ? undefined : createMetrics();
  const { tracer, exporting } = await createTracerFromEnv(process.env);
  if (exporting)
    logger.info({ service: process.env.OTEL_SERVICE_NAME ?? "gateway-central" }, "exporting traces (OTEL_*)");
  const redis = connectRedis(env, logger, metrics);
  const consumers = (() => {
    try {
      return readConsumersEnv(process.env);
    } catch (error) {
      throw new EnvError((error as Error).message);
    }
  })();
  const central = await composeCentral(
    config,
    { ...env, consumers, ...(grpcSchemas === undefined ? {} : { grpcSchemas }) },
    {
      logger,
      tracer,
      ...(redis === undefined ? {} : { redis }),
      ...(metrics === undefined ? {} : { metrics }),
    },
  );
  const metricsServer = metrics === undefined ? undefined : createMetricsServer(metrics.registry);
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
  const admin = central.admin && listenAdmin(central.admin, consumers, logger);
  const server = listenerFor(central.app, config.limits, env);
  server.once("error", (err: Error) => {
    console.error(`central: cannot listen on ${env.host}:${env.port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(env.port, env.host, () => {
    logger.info(
      {
        host: env.host,
        port: env.port,
        config: env.configPath,
        routes: config.routes.length,
        tls: env.tls === undefined ? "off" : env.tls.clientCaFile === undefined ? "server-only" : "mutual",
        allowedNetworks: env.allowedNetworks?.map(formatCidr) ?? "any",
        maxConnections: env.maxConnections,
      },
      "central listening",
    );
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    admin?.close();
    void metricsServer?.close();
    server.close(() => {
      central.close();
      redis?.disconnect();
      void tracer.shutdown();
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
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

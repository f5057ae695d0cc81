import type { Command, Redis } from "ioredis";
import type { GatewayMetrics } from "../metrics/index.ts";

const OBSERVED = Symbol("gateway.redis.observed");
type ObservedCommand = Command & { [OBSERVED]?: true };
/** What ioredis sends by itself while connecting (CLIENT SETINFO fails on older servers, harmlessly). */
const CONNECTION_SETUP: ReadonlySet<string> = new Set([
  "client",
  "info",
  "auth",
  "select",
  "hello",
  "readonly",
]);

/**
 * Times every command this client sends (gateway_redis_command_duration_seconds) and counts the
 * ones that fail or time out (gateway_redis_errors_total), by wrapping the instance's
 * `sendCommand`, through which plain, scripted and auto-pipelined commands all pass. A command
 * ioredis sends again (reconnect) counts once. NOSCRIPT replies are not errors: ioredis loads
 * the script and retries. The commands ioredis sends while connecting are left out.
 */
export function instrumentRedis(
  redis: Redis,
  metrics: Pick<GatewayMetrics, "redisCommand" | "redisError">,
): void {
  const send = redis.sendCommand;
  redis.sendCommand = function (this: Redis, command: ObservedCommand, ...rest: unknown[]) {
    if (command[OBSERVED] !== true && !CONNECTION_SETUP.has(command.name)) {
      command[OBSERVED] = true;
      const startedAt = performance.now();
      command.promise.then(
        () => metrics.redisCommand((performance.now() - startedAt) / 1000),
        (error: unknown) => {
          if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) metrics.redisError();
        },
      );
    }
    return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
  } as Redis["sendCommand"];
}

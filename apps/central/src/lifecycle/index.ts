// Central's process lifecycle: config reload behind a stable listener, graceful shutdown (docs/operations.md).
export {
  type BuiltConfig,
  type ConfigReloader,
  createConfigReloader,
  type ReloadResult,
  type ReloadStats,
  type ReloadTrigger,
} from "./config-reloader.ts";
export { CONFIG_WATCH_INTERVAL_MS, watchConfigFile } from "./config-watch.ts";
export {
  createGracefulShutdown,
  DEFAULT_DRAIN_TIMEOUT_MS,
  type GracefulShutdownOptions,
} from "./graceful-shutdown.ts";
export { createHandlerSwap, type HandlerGeneration, type HandlerSwap } from "./handler-swap.ts";

import type { EdgeConfig } from "@gateway/types";
import edgeConfig from "gateway-edge-config";
import { createEdgeWorker } from "./worker.ts";

// Durable Object classes must be exported by the Worker entry (wrangler durable_objects.bindings).
export { CacheIndex } from "./durable/cache-index.ts";
export { EdgeLimiter } from "./durable/edge-limiter.ts";

// Produced by `pnpm generate` from gateway.config.yaml (compile --tier edge).
export default createEdgeWorker(edgeConfig as EdgeConfig);

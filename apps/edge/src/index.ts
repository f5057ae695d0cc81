import type { EdgeConfig } from "@gateway/types";
import edgeConfig from "gateway-edge-config";
import { createEdgeWorker } from "./worker.ts";

// Produced by `pnpm generate` from gateway.config.yaml (compile --tier edge).
export default createEdgeWorker(edgeConfig as EdgeConfig);

// What `wrangler types` would generate: the Worker's env and its main module's exports.
import type { EdgeBindings } from "./env.ts";
import type * as EdgeWorkerModule from "./index.ts";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeBindings {}
    interface GlobalProps {
      mainModule: typeof EdgeWorkerModule;
    }
  }
}

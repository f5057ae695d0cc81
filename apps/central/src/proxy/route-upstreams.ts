import type { IncomingMessage } from "node:http";
import type { RouteConfig } from "@gateway/types";
import type { Logger } from "pino";
import { type Bulkhead, createBulkhead } from "../resilience/bulkhead/index.ts";
import { createRetryBudget, type RetryBudget } from "../resilience/retry/budget.ts";
import { type RouteResilience, routeResilience } from "../resilience/route-settings.ts";
import type { AgentRegistry } from "../upstream/http/agents.ts";
import { httpHealthProbe } from "../upstream/http/health-probe.ts";
import { type HttpTarget, httpTarget } from "../upstream/http/target.ts";
import { createHttpTransport, type HttpRequestSpec } from "../upstream/http/transport.ts";
import { createUpstreamPool, type UpstreamPoolDeps } from "../upstream/pool.ts";
import type { Transport, UpstreamPool } from "../upstream/types.ts";

/** Everything central holds for one proxied route. */
export interface RouteUpstream {
  settings: RouteResilience;
  pool: UpstreamPool;
  targets: HttpTarget[];
  transport: Transport<HttpRequestSpec, IncomingMessage>;
  budget: RetryBudget;
  bulkhead: Bulkhead;
}

export interface RouteUpstreamDeps {
  agents: AgentRegistry;
  logger: Logger;
  now: () => number;
  random: () => number;
  onBreakerChange?: UpstreamPoolDeps["onBreakerChange"];
}

export function createRouteUpstream(route: RouteConfig, deps: RouteUpstreamDeps): RouteUpstream {
  const settings = routeResilience(route);
  if (settings.targets.length === 0) throw new Error(`route "${route.name}" has no upstream URLs`);
  const targets = settings.targets.map((target) => httpTarget(target.id, deps.agents));
  const pool = createUpstreamPool(
    { name: route.name, ...settings },
    {
      logger: deps.logger,
      now: deps.now,
      random: deps.random,
      ...(deps.onBreakerChange === undefined ? {} : { onBreakerChange: deps.onBreakerChange }),
      ...(settings.healthCheck === undefined
        ? {}
        : { probe: httpHealthProbe(targets, settings.healthCheck.path) }),
    },
  );
  return {
    settings,
    pool,
    targets,
    transport: createHttpTransport({ targets, timeouts: settings.timeouts }),
    budget: createRetryBudget(settings.retry.budget, deps.now),
    bulkhead: createBulkhead(settings.concurrency),
  };
}

import http from "node:http";
import https from "node:https";
import type { RouteConfig } from "@gateway/types";

export interface Upstream {
  /** scheme://host:port, what the proxy connects to. */
  origin: string;
  /** Path prefix of the configured URL ("" for none); prepended to the forwarded path. */
  basePath: string;
  agent: http.Agent;
}

export interface UpstreamPool {
  /** Next upstream for the route, round-robin over its configured URLs. */
  pick(route: RouteConfig): Upstream;
  /** Every distinct upstream (one per origin). */
  all(): Upstream[];
  /** Closes the pooled keep-alive sockets. */
  destroy(): void;
}

export interface UpstreamAgentOptions {
  /** Per upstream origin; beyond it requests queue in the agent. */
  maxSockets: number;
  maxFreeSockets: number;
}

export const DEFAULT_AGENT_OPTIONS: UpstreamAgentOptions = { maxSockets: 256, maxFreeSockets: 64 };

function createAgent(protocol: string, options: UpstreamAgentOptions): http.Agent {
  const agentOptions = { keepAlive: true, scheduling: "lifo" as const, ...options };
  return protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
}

/** One keep-alive agent per upstream origin, shared by every route that names it. */
export function createUpstreamPool(
  routes: readonly RouteConfig[],
  options: UpstreamAgentOptions = DEFAULT_AGENT_OPTIONS,
): UpstreamPool {
  const byOrigin = new Map<string, http.Agent>();
  const byRoute = new Map<string, Upstream[]>();
  const upstreams: Upstream[] = [];
  for (const route of routes) {
    const list = route.upstream.urls.map((raw) => {
      const url = new URL(raw);
      let agent = byOrigin.get(url.origin);
      if (agent === undefined) {
        agent = createAgent(url.protocol, options);
        byOrigin.set(url.origin, agent);
      }
      const basePath = url.pathname.replace(/\/+$/, "");
      const upstream: Upstream = { origin: url.origin, basePath, agent };
      upstreams.push(upstream);
      return upstream;
    });
    if (list.length === 0) throw new Error(`route "${route.name}" has no upstream URLs`);
    byRoute.set(route.name, list);
  }
  const cursors = new Map<string, number>();
  return {
    pick(route) {
      const list = byRoute.get(route.name);
      if (list === undefined) throw new Error(`route "${route.name}" is not in the upstream pool`);
      const cursor = cursors.get(route.name) ?? 0;
      cursors.set(route.name, (cursor + 1) % list.length);
      return list[cursor % list.length] as Upstream;
    },
    all: () => upstreams,
    destroy() {
      for (const agent of byOrigin.values()) agent.destroy();
    },
  };
}

/** The path the service receives: the upstream URL's own path, then the rewritten request path. */
export function upstreamPath(upstream: Upstream, rewrittenPath: string): string {
  if (upstream.basePath === "") return rewrittenPath;
  return rewrittenPath === "/" ? upstream.basePath : upstream.basePath + rewrittenPath;
}

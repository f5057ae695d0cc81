import http from "node:http";
import https from "node:https";

export interface UpstreamAgentOptions {
  /** Per upstream origin; beyond it requests queue in the agent. */
  maxSockets: number;
  maxFreeSockets: number;
}

export const DEFAULT_AGENT_OPTIONS: UpstreamAgentOptions = { maxSockets: 256, maxFreeSockets: 64 };

export interface AgentRegistry {
  /** The keep-alive agent of an origin, shared by every route and target naming it. */
  forOrigin(url: URL): http.Agent;
  /** Closes the pooled keep-alive sockets. */
  destroy(): void;
}

export function createAgentRegistry(options: UpstreamAgentOptions = DEFAULT_AGENT_OPTIONS): AgentRegistry {
  const byOrigin = new Map<string, http.Agent>();
  return {
    forOrigin(url) {
      let agent = byOrigin.get(url.origin);
      if (agent === undefined) {
        const agentOptions = { keepAlive: true, scheduling: "lifo" as const, ...options };
        agent = url.protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
        byOrigin.set(url.origin, agent);
      }
      return agent;
    },
    destroy() {
      for (const agent of byOrigin.values()) agent.destroy();
    },
  };
}

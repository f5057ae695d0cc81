import http from "node:http";
import https from "node:https";

export interface UpstreamAgentOptions {
  /** Per upstream origin; beyond it requests queue in the agent. */
  maxSockets: number;
  maxFreeSockets: number;
  /**
   * An idle keep-alive socket is closed after this long, or sooner when the service
   * announces a shorter `Keep-Alive: timeout=N` (Node then keeps it N s minus 1 s).
   * Closing before the service does avoids reusing a socket the service is closing.
   */
  idleTimeoutMs: number;
}

/** 4 s idle, as undici: below Node's default server keep-alive of 5 s, the usual shortest. */
export const DEFAULT_AGENT_OPTIONS: UpstreamAgentOptions = {
  maxSockets: 256,
  maxFreeSockets: 64,
  idleTimeoutMs: 4_000,
};

export interface AgentRegistry {
  /** The keep-alive agent of an origin, shared by every route and target naming it. */
  forOrigin(url: URL): http.Agent;
  /** Closes the pooled keep-alive sockets. */
  destroy(): void;
}

/** Closes an agent's idle sockets (the service closed one of them: the others are suspect too). */
export function dropIdleSockets(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of [...(sockets ?? [])]) socket.destroy();
  }
}

export function createAgentRegistry(
  options: Partial<UpstreamAgentOptions> = DEFAULT_AGENT_OPTIONS,
): AgentRegistry {
  const byOrigin = new Map<string, http.Agent>();
  return {
    forOrigin(url) {
      let agent = byOrigin.get(url.origin);
      if (agent === undefined) {
        const { idleTimeoutMs, ...limits } = { ...DEFAULT_AGENT_OPTIONS, ...options };
        // Node applies a service's Keep-Alive hint only when the agent has a timeout of its own.
        const agentOptions = {
          keepAlive: true,
          scheduling: "lifo" as const,
          timeout: idleTimeoutMs,
          ...limits,
        };
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

import type http from "node:http";
import type { AgentRegistry } from "./agents.ts";

/** An HTTP target as the transport needs it. */
export interface HttpTarget {
  /** scheme://host:port, what the proxy connects to. */
  origin: string;
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  /** Host header value (the target's host, as http-proxy's changeOrigin did). */
  host: string;
  /** Path prefix of the configured URL ("" for none); prepended to the forwarded path. */
  basePath: string;
  agent: http.Agent;
}

export function httpTarget(raw: string, agents: AgentRegistry): HttpTarget {
  const url = new URL(raw);
  const protocol = url.protocol === "https:" ? "https:" : "http:";
  return {
    origin: url.origin,
    protocol,
    // URL keeps IPv6 literals bracketed; net.connect wants them bare.
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (protocol === "https:" ? 443 : 80) : Number(url.port),
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ""),
    agent: agents.forOrigin(url),
  };
}

/** The path the service receives: the upstream URL's own path, then the rewritten request path. */
export function upstreamPath(target: Pick<HttpTarget, "basePath">, rewrittenPath: string): string {
  if (target.basePath === "") return rewrittenPath;
  return rewrittenPath === "/" ? target.basePath : target.basePath + rewrittenPath;
}

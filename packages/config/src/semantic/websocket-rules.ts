import type { ConfigPath } from "../issues.ts";
import type { ParsedConfig } from "../schema/gateway-schema.ts";

type Route = ParsedConfig["routes"][number];

/**
 * A WebSocket handshake is a GET relayed to an HTTP upstream as one long
 * connection: it needs GET, cannot be transcoded to gRPC, and is never cached.
 */
export function checkWebSocket(
  route: Route,
  path: ConfigPath,
  report: (path: ConfigPath, message: string) => void,
) {
  const websocket = route.websocket;
  if (websocket === undefined || !websocket.enabled) return;
  const at = [...path, "websocket"];
  if (!route.methods.includes("GET")) {
    report([...at, "enabled"], "needs GET in the route's methods (a WebSocket handshake is a GET)");
  }
  if (route.grpc !== undefined) {
    report([...at, "enabled"], "a gRPC route cannot relay WebSockets: give it an HTTP upstream");
  }
  if (route.cache !== undefined) {
    report([...at, "enabled"], "cannot be combined with cache: a handshake must always reach the service");
  }
  if (websocket.idleTimeoutSeconds > websocket.maxLifetimeSeconds) {
    report(
      [...at, "idleTimeoutSeconds"],
      `must not exceed websocket.maxLifetimeSeconds (${websocket.maxLifetimeSeconds})`,
    );
  }
}

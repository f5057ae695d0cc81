import { z } from "zod";
import { positiveInt } from "./primitives.ts";

/** Defaults a production gateway can live with: 5 min without a frame, 1 h per connection, 1 MiB messages. */
export const WEBSOCKET_DEFAULTS = {
  idleTimeoutSeconds: 300,
  maxLifetimeSeconds: 3600,
  maxMessageBytes: 1024 * 1024,
  maxConnections: 1000,
} as const;

/** routes[].websocket: the route accepts `Upgrade: websocket` and relays the connection to its upstream. */
export const websocketSchema = z.strictObject({
  enabled: z.boolean({ error: "must be true or false" }),
  /** No frame in either direction for this long closes the connection (1001). */
  idleTimeoutSeconds: positiveInt(86_400).default(WEBSOCKET_DEFAULTS.idleTimeoutSeconds),
  /** A connection is closed (1001) this long after it opened, busy or not. */
  maxLifetimeSeconds: positiveInt(7 * 86_400).default(WEBSOCKET_DEFAULTS.maxLifetimeSeconds),
  /** Largest message (all fragments) either side may send; a bigger one closes that side with 1009. */
  maxMessageBytes: positiveInt(64 * 1024 * 1024).default(WEBSOCKET_DEFAULTS.maxMessageBytes),
  /** Open connections per route and central process; the next handshake gets 503 overloaded. */
  maxConnections: positiveInt(1_000_000).default(WEBSOCKET_DEFAULTS.maxConnections),
});

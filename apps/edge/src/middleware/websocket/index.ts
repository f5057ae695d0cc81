// WebSocket pass-through at the edge: the upgrade check (../refuse-upgrade/) lets a handshake on a
// route with websocket.enabled through; this step forwards it to central in the forward seam.
export { createWebSocketForward, type WebSocketForwardOptions } from "./websocket-forward.ts";

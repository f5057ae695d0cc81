import { GatewayError, type LimitsConfig } from "@gateway/types";

/**
 * The size of a header block as it would appear on the wire ("name: value\r\n"
 * per field). Headers with the same name arrive combined by the runtime, so
 * counts are of distinct names (Set-Cookie aside), a lower bound of what was sent.
 */
export function headerBlockBytes(headers: Headers): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  for (const [name, value] of headers) {
    // Header values are ByteStrings (one char per wire byte), so string length is byte length.
    bytes += name.length + 2 + value.length + 2;
    count += 1;
  }
  return { bytes, count };
}

/** 431 headers_too_large when the request's headers exceed limits.maxHeaderBytes or maxHeaderCount. */
export function checkHeaderLimits(
  headers: Headers,
  limits: Pick<LimitsConfig, "maxHeaderBytes" | "maxHeaderCount">,
): void {
  const { bytes, count } = headerBlockBytes(headers);
  if (bytes > limits.maxHeaderBytes) {
    throw new GatewayError("headers_too_large", `request headers exceed ${limits.maxHeaderBytes} bytes`);
  }
  if (count > limits.maxHeaderCount) {
    throw new GatewayError("headers_too_large", `more than ${limits.maxHeaderCount} request headers`);
  }
}

/**
 * Upgrade is hop-by-hop and never forwarded; a WebSocket handshake is answered
 * 501 instead of being silently turned into a plain request.
 */
export function rejectWebSocketUpgrade(headers: Headers): void {
  const upgrade = headers.get("upgrade");
  if (upgrade !== null && /(^|[\s,])websocket($|[\s,/])/i.test(upgrade)) {
    throw new GatewayError("not_implemented", "WebSocket upgrades are not supported by this gateway");
  }
}

import type { IncomingMessage } from "node:http";

/** reg-name, IPv4 or a bracketed IPv6 literal, optional port: nothing that could carry a path or a second host. */
const HOST_VALUE = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function rawValues(req: IncomingMessage, lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === lowerName) values.push(req.rawHeaders[i + 1] ?? "");
  }
  return values;
}

/**
 * Framing Node's parser accepts but a proxy must not re-interpret (RFC 9112
 * §6.1, §6.3, §3.2). Node decodes `Transfer-Encoding: gzip, chunked` as chunked
 * and the proxy re-frames the body as plain chunked, which would silently drop
 * the gzip coding, so the only transfer coding accepted is exactly `chunked`,
 * in one field line, on HTTP/1.1. Returns why the request is refused, or
 * undefined when its framing is unambiguous.
 */
export function framingProblem(req: IncomingMessage): string | undefined {
  if (req.httpVersionMajor !== 1) return "only HTTP/1.x is supported";
  const transferEncodings = rawValues(req, "transfer-encoding");
  if (transferEncodings.length > 0) {
    if (req.httpVersionMinor === 0) return "Transfer-Encoding is not allowed on HTTP/1.0";
    if (transferEncodings.length > 1) return "Transfer-Encoding must appear once";
    if (transferEncodings[0]?.trim().toLowerCase() !== "chunked") {
      return "the only supported Transfer-Encoding is chunked";
    }
  }
  const hosts = rawValues(req, "host");
  if (hosts.length > 1) return "Host must appear once";
  const host = hosts[0];
  if (host !== undefined && host !== "" && !HOST_VALUE.test(host)) return "Host is not a valid authority";
  return undefined;
}

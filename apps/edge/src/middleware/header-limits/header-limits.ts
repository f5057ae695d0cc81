import { GatewayError, type LimitsConfig } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

export type HeaderLimits = Pick<LimitsConfig, "maxHeaderBytes" | "maxHeaderCount">;

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
export function checkHeaderLimits(headers: Headers, limits: HeaderLimits): void {
  const { bytes, count } = headerBlockBytes(headers);
  if (bytes > limits.maxHeaderBytes) {
    throw new GatewayError("headers_too_large", `request headers exceed ${limits.maxHeaderBytes} bytes`);
  }
  if (count > limits.maxHeaderCount) {
    throw new GatewayError("headers_too_large", `more than ${limits.maxHeaderCount} request headers`);
  }
}

/** 431 for a client header block over the configured size or count, before anything else reads it. */
export function createHeaderLimits(limits: HeaderLimits) {
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    checkHeaderLimits(c.req.raw.headers, limits);
    await next();
  });
}

import { randomFillSync } from "node:crypto";

/**
 * Random W3C trace and span ids from a pooled buffer: one getrandom call per 4 KiB instead of one
 * per id (a request needs two or three ids).
 */
export interface IdSource {
  traceId(): string;
  spanId(): string;
}

const ZERO: Record<number, string> = { 8: "0".repeat(16), 16: "0".repeat(32) };

export function createIdSource(poolSize = 4096): IdSource {
  const pool = Buffer.allocUnsafe(poolSize);
  let offset = poolSize;
  const take = (bytes: number): string => {
    for (;;) {
      if (offset + bytes > poolSize) {
        randomFillSync(pool);
        offset = 0;
      }
      const hex = pool.toString("hex", offset, offset + bytes);
      offset += bytes;
      // all-zero ids are invalid (W3C §3.2.2.3, §3.2.2.4)
      if (hex !== ZERO[bytes]) return hex;
    }
  };
  return { traceId: () => take(16), spanId: () => take(8) };
}

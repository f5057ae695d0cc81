/**
 * Close codes central sends (RFC 6455 §7.4.1, IANA registry):
 * - 1001 going away: idle timeout, maximum lifetime, central shutting down, the other side left abnormally;
 * - 1009 message too big: sent by the receiving side's parser to whoever sent it;
 * - 1014 bad gateway: the upstream broke off (no close frame) or sent a message over the limit.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  noStatus: 1005,
  abnormal: 1006,
  tooBig: 1009,
  badGateway: 1014,
} as const;

/** Codes an endpoint may put in a close frame (1005, 1006 and 1015 are reserved for reporting). */
export function isSendableCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Close reasons are at most 123 bytes of UTF-8. */
export function closeReason(text: string | Buffer): string {
  const value = typeof text === "string" ? text : text.toString("utf8");
  if (Buffer.byteLength(value) <= 123) return value;
  return Buffer.from(value)
    .subarray(0, 123)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

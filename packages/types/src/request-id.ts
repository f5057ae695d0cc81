/** What an incoming X-Request-ID may look like to be kept (else the gateway makes one): no spaces, no quotes. */
export const REQUEST_ID_SYNTAX = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming request id when it is one string of the accepted syntax, else undefined. */
export function acceptedRequestId(value: unknown): string | undefined {
  return typeof value === "string" && REQUEST_ID_SYNTAX.test(value) ? value : undefined;
}

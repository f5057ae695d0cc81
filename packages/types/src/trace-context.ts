/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): parsing and building `traceparent`,
 * shared by the edge (workerd) and central (Node). WebCrypto only.
 */
export const TRACEPARENT_HEADER = "traceparent";
export const TRACESTATE_HEADER = "tracestate";

export interface TraceParent {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** 16 lower-case hex digits, not all zero: the caller's span. */
  parentId: string;
  /** Two hex digits; bit 0 is "sampled". */
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);
/** At most 32 list members of at most 256 characters each (W3C §3.3.1.1): 8192 is generous. */
const MAX_TRACESTATE = 8192;
const TRACESTATE_MEMBER =
  /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * A version-00 traceparent (the only version this gateway speaks), or undefined when the value is
 * absent, malformed, or has an all-zero trace or parent id. The caller then starts a new trace.
 */
export function parseTraceparent(value: string | null | undefined): TraceParent | undefined {
  if (value === null || value === undefined || value.length !== 55) return undefined;
  const match = TRACEPARENT.exec(value);
  if (match === null) return undefined;
  const [, traceId, parentId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags };
}

/** The tracestate to pass on with a valid traceparent: kept when every member is well formed, else dropped. */
export function validTracestate(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.length > MAX_TRACESTATE) return undefined;
  const members = trimmed.split(",");
  if (members.length > 32) return undefined;
  for (const member of members) {
    const text = member.trim();
    if (text !== "" && !TRACESTATE_MEMBER.test(text)) return undefined;
  }
  return trimmed;
}

export function formatTraceparent(traceId: string, spanId: string, flags: string): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  let hex = "";
  for (const byte of buffer) hex += byte.toString(16).padStart(2, "0");
  // all-zero ids are invalid; 2^-64 at most, but cheap to rule out
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

/** A new random 16-byte trace id (hex). */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new random 8-byte span id (hex). */
export function newSpanId(): string {
  return randomHex(8);
}

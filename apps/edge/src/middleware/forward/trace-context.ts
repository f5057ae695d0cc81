/**
 * W3C trace context for central: the validated incoming traceparent (and the
 * client's tracestate with it), or neither. A client's tracestate without a
 * valid traceparent is dropped.
 */
export function setTraceContext(
  headers: Headers,
  traceparent: string | undefined,
  tracestate: string | null,
): void {
  headers.delete("traceparent");
  headers.delete("tracestate");
  if (traceparent === undefined) return;
  headers.set("traceparent", traceparent);
  if (tracestate !== null) headers.set("tracestate", tracestate);
}

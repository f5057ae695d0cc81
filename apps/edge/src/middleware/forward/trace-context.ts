/**
 * W3C trace context for central: the request's traceparent (the client's when valid, else the
 * one the edge started) and the client's tracestate when it came with a valid traceparent.
 */
export function setTraceContext(headers: Headers, traceparent: string, tracestate: string | undefined): void {
  headers.set("traceparent", traceparent);
  if (tracestate === undefined) headers.delete("tracestate");
  else headers.set("tracestate", tracestate);
}

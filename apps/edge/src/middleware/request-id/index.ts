export { acceptedRequestId, createRequestId } from "./request-id.ts";
export { validTraceparent } from "./traceparent.ts";

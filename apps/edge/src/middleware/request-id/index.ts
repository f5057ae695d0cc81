export { createRequestId } from "./request-id.ts";

export { createErrorHandler, createNotFoundHandler } from "./handlers.ts";
export { jsonError, renderError } from "./render-error.ts";

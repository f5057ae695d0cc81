export { createErrorHandler, createNotFoundHandler } from "./handlers.ts";

export { createHealthEndpoint } from "./health.ts";

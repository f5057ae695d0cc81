export { createTiming } from "./timing.ts";

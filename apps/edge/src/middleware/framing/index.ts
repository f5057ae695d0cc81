export { createFramingChecks } from "./framing.ts";

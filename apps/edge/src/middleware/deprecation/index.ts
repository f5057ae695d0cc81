export { createDeprecationHeaders } from "./deprecation.ts";

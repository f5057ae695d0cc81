export { createHeaderLimits, type HeaderLimits } from "./header-limits.ts";

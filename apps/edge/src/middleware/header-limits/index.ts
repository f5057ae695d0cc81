export {
  checkHeaderLimits,
  createHeaderLimits,
  type HeaderLimits,
  headerBlockBytes,
} from "./header-limits.ts";

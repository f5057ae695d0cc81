export { createBodyLimit } from "./body-limit.ts";

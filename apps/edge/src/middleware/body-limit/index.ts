export { createBodyLimit } from "./body-limit.ts";
export { limitBody } from "./limit-body.ts";

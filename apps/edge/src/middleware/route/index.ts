export { createMethodAllowed } from "./method-allowed.ts";
export { createRouting } from "./route.ts";

export { createCors } from "./cors.ts";

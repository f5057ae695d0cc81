export { createAuthorization } from "./authorize.ts";

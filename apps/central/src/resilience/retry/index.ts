export { backoffMs } from "./backoff.ts";
export { createRetryBudget, type RetryBudget } from "./budget.ts";
export { isRetryable } from "./conditions.ts";

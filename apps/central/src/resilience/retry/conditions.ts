import type { RetryCondition } from "@gateway/types";
import type { AttemptFailure } from "../../upstream/types.ts";

/** Whether a failed attempt (or a 5xx answer, `status`) matches one of the configured retry conditions. */
export function isRetryable(
  failure: AttemptFailure | undefined,
  status: number | undefined,
  on: readonly RetryCondition[],
): boolean {
  if (failure === "connect_error" || failure === "connect_timeout") return on.includes("connect_error");
  if (failure === "timeout") return on.includes("timeout");
  if (failure === "reset") return on.includes("reset");
  if (status === undefined || status < 500) return false;
  return on.includes("5xx") || on.includes(String(status) as RetryCondition);
}

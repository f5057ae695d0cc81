import { GatewayError, type RateLimitPolicy, withTimeout } from "@gateway/types";
import type { NextFunction, RequestHandler, Response } from "express";
import { type GatewayContext, gatewayContext } from "../../context.ts";
import { createOutageTracker } from "../../outage/index.ts";
import { type ReplayMark, type ReplayProtection, takePendingReplay } from "../../replay/index.ts";
import { mostRestrictive, type PolicyDecision, rateLimitHeaderOf } from "./headers.ts";
import { rateLimitKey } from "./keys.ts";
import { createPolicyTable } from "./policy-table.ts";
import type { RateLimitCheck, RateLimitDecision, RateLimitLogger, RateLimitStore } from "./types.ts";

export interface RateLimitPluginDeps {
  store: RateLimitStore;
  logger: RateLimitLogger;
  /** A store that has not answered after this long counts as down. Default 300. */
  timeoutMs?: number;
  /**
   * Replay protection: a pending replay check on the context (`context.replay`)
   * is taken by this step and folded into its store call. Without it, the
   * pending check is left for the replay-check step.
   */
  replay?: ReplayProtection;
  /**
   * Policy names a consumer carries (API key consumers, or a JWT subject with a
   * consumer record), applied on every route besides the route's own.
   */
  consumerPolicies?: (sub: string) => readonly string[] | Promise<readonly string[]>;
  /** Every policy's decision on every evaluated request (for metrics). */
  onDecision?: (policy: string, decision: "allowed" | "limited" | "failed_open" | "failed_closed") => void;
}

export type RateLimitPlugin = RequestHandler & { health(): { redis: "ok" | "degraded" } };

function paired(checks: RateLimitCheck[], decisions: RateLimitDecision[]): PolicyDecision[] {
  return checks.map(({ policy }, i) => {
    const decision = decisions[i];
    if (!decision)
      throw new Error(`rate limit store returned ${decisions.length} decisions for ${checks.length}`);
    return { policy, decision };
  });
}

/** Headers on success; the 429 (with Retry-After) when any policy denies. */
function verdict(
  results: PolicyDecision[],
  policyHeader: string,
): { headers: Record<string, string> } | { denied: GatewayError } {
  const shown = mostRestrictive(results);
  const headers = { "RateLimit-Policy": policyHeader, RateLimit: rateLimitHeaderOf(shown) };
  const denied = results.filter(({ decision }) => !decision.allowed);
  if (denied.length === 0) return { headers };
  // a retry must satisfy every denying policy
  const retryAfter = Math.max(...denied.map(({ decision }) => decision.retryAfterSeconds ?? 1));
  // carried on the error: the error handler renders from a clean slate of headers
  return {
    denied: new GatewayError("rate_limited", `Rate limit "${shown.policy.name}" exceeded`, {
      ...headers,
      "Retry-After": String(retryAfter),
    }),
  };
}

/**
 * Enforces the precise policies named by the matched route
 * (`res.locals.gateway.route.rateLimit`): one store evaluation per request,
 * draft-ietf-httpapi-ratelimit-headers on the response, a `rate_limited`
 * GatewayError (with Retry-After) on deny. Must run after routing.
 * With replay protection, the pending replay check is settled in the same
 * evaluation: a replayed token is refused (401) without consuming anything.
 */
export function createRateLimitPlugin(
  policies: RateLimitPolicy[],
  deps: RateLimitPluginDeps,
): RateLimitPlugin {
  const table = createPolicyTable(policies);
  const timeoutMs = deps.timeoutMs ?? 300;
  const replay = deps.replay?.folded;
  const outage = createOutageTracker(deps.logger, {
    down: (error) => [{ err: error }, "rate limit store unavailable"],
    recovered: ({ outageMs, failures }) => [
      { outageMs, failedEvaluations: failures },
      "rate limit store recovered",
    ],
  });

  async function evaluate(checks: RateLimitCheck[], mark: ReplayMark | undefined) {
    if (mark === undefined) return paired(checks, await deps.store.evaluate(checks));
    const decisions = await deps.store.evaluateFresh(mark, checks);
    return decisions === "replayed" ? decisions : paired(checks, decisions);
  }

  function unavailable(res: Response, next: NextFunction, applicable: RateLimitPolicy[]): void {
    const closed = applicable.some((policy) => policy.failMode === "closed");
    gatewayContext(res).rateLimit = closed ? "failed_closed" : "failed_open";
    if (deps.onDecision !== undefined)
      for (const policy of applicable)
        deps.onDecision(policy.name, policy.failMode === "closed" ? "failed_closed" : "failed_open");
    if (closed) {
      next(new GatewayError("service_unavailable", "Rate limiting is unavailable", { "Retry-After": "1" }));
      return;
    }
    res.setHeader("RateLimit-Policy", table.policyHeaderOf(applicable));
    next();
  }

  function applicableTo(context: GatewayContext, next: NextFunction): RateLimitPolicy[] | undefined {
    try {
      return table.policiesOf(context.route?.rateLimit ?? []);
    } catch (error) {
      deps.logger.error(
        { err: error, route: context.route?.name },
        "route names an unknown rate limit policy",
      );
      // the details stay in the log, not in the client's answer
      next(new GatewayError("internal_error", "Internal error"));
      return undefined;
    }
  }

  const known = new Set(policies.map((policy) => policy.name));
  const NO_NAMES: readonly string[] = [];
  /** Synchronous on a cache hit (the common case): no extra await on the hot path. */
  function consumerPolicyNames(
    identity: GatewayContext["identity"],
  ): readonly string[] | Promise<readonly string[]> {
    if (deps.consumerPolicies === undefined || identity === undefined || identity.auth === "anonymous") {
      return NO_NAMES;
    }
    return deps.consumerPolicies(identity.sub);
  }

  /** A policy removed from the config since the consumer was set up is skipped, not an error. */
  function knownNames(names: readonly string[]): string[] {
    return names.length === 0 ? [] : names.filter((name) => known.has(name));
  }

  async function handle(res: Response, next: NextFunction): Promise<void> {
    const context = gatewayContext(res);
    const found = consumerPolicyNames(context.identity);
    const extra = knownNames(Array.isArray(found) ? (found as readonly string[]) : await found);
    if ((context.route?.rateLimit ?? []).length === 0 && extra.length === 0) return next();
    let applicable = applicableTo(context, next);
    if (applicable === undefined) return;
    if (extra.length > 0) applicable = [...new Set([...applicable, ...table.policiesOf(extra)])];
    const checks = applicable.map((policy) => ({ policy, key: rateLimitKey(policy, context) }));

    const mark = replay === undefined ? undefined : takePendingReplay(context, "rate-limit");
    const replayTicket = mark === undefined ? undefined : replay?.begin();
    const ticket = outage.begin();
    const span = context.trace?.span("rate_limit", "internal", {
      "gateway.rate_limit.policies": applicable.length,
    });
    let outcome: PolicyDecision[] | "replayed";
    try {
      outcome = await withTimeout(evaluate(checks, mark), timeoutMs, "rate limit evaluation");
    } catch (error) {
      span?.end(undefined, "rate limit store unavailable");
      outage.failed(ticket, error);
      const refusal = replayTicket === undefined ? undefined : replay?.failed(replayTicket, error);
      return refusal === undefined ? unavailable(res, next, applicable) : next(refusal);
    }
    outage.succeeded(ticket);
    const refusal =
      replayTicket === undefined ? undefined : replay?.answered(replayTicket, outcome === "replayed");
    if (refusal !== undefined || outcome === "replayed") {
      span?.end({ "gateway.rate_limit.replayed": true });
      return next(refusal);
    }

    let limited = false;
    for (const { policy, decision } of outcome) {
      if (!decision.allowed) limited = true;
      deps.onDecision?.(policy.name, decision.allowed ? "allowed" : "limited");
    }
    context.rateLimit = limited ? "limited" : "allowed";
    span?.end({ "gateway.rate_limit.limited": limited });
    const answer = verdict(outcome, table.policyHeaderOf(applicable));
    if ("denied" in answer) return next(answer.denied);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    next();
  }

  const handler = ((_req, res, next) => {
    handle(res, next).catch(next);
  }) as RateLimitPlugin;
  handler.health = () => ({ redis: outage.isDegraded() ? "degraded" : "ok" });
  return handler;
}

import type { NextFunction, RequestHandler } from "express";

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Central's request path as one Express handler: the steps run in order, each
 * with the usual `(req, res, next)` contract. Express's router pays per layer
 * and request (path match, params object, prefix trimming): about 11 KB of
 * garbage a request over central's steps, the largest single allocator on the
 * hot path, for steps that all match every path anyway.
 *
 * Same rules as `app.use`: `next()` runs the next step; `next(error)`, a thrown
 * error or a rejected promise skips to the app's error handler; `next("route")`
 * or `next("router")` leaves the chain, as from a router; after the last step
 * the request goes on to whatever the app mounts next.
 *
 * One rule more: once the client is gone (the response closed while a step was
 * waiting, e.g. on Redis), no further step starts. Nothing could reach the client,
 * and a later step would act for nobody: the proxy would open an upstream request
 * whose body never ends, which then timed out and counted against the service's
 * breaker (a burst of clients leaving at once opened it).
 */
export function composeSteps(steps: readonly RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let index = 0;
    const next = ((error?: unknown) => {
      if (error === "route" || error === "router") return done();
      if (error !== undefined && error !== null) return done(error);
      if (res.closed || res.destroyed) return;
      const step = steps[index++];
      if (step === undefined) return done();
      try {
        const returned: unknown = step(req, res, next);
        if (isThenable(returned))
          returned.then(undefined, (rejection: unknown) => done(rejection ?? new Error("Rejected promise")));
      } catch (thrown) {
        done(thrown);
      }
    }) as NextFunction;
    next();
  };
}

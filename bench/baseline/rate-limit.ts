// The fixed-window limiter from countless tutorials: INCR, and EXPIRE on the
// first hit of the window. Two round trips on a new window, one otherwise.
import type { NextFunction, Request, Response } from "express";
import type { Redis } from "ioredis";

export interface RateLimitOptions {
  limit: number;
  windowSeconds: number;
}

export function redisRateLimit(redis: Redis, options: RateLimitOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const user = (res.locals.user as { sub?: string } | undefined)?.sub ?? req.ip ?? "anonymous";
    const key = `ratelimit:${user}`;
    try {
      const count = await redis.incr(key);
      if (count === 1) await redis.expire(key, options.windowSeconds);
      res.setHeader("X-RateLimit-Limit", options.limit);
      res.setHeader("X-RateLimit-Remaining", Math.max(0, options.limit - count));
      if (count > options.limit) {
        res.status(429).json({ error: "Too many requests" });
        return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

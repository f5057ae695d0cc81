import type { NextFunction, Request, Response } from "express";
import type { VerifyJwt } from "./verify-jwt.ts";

/** `Authorization: Bearer <jwt>` → res.locals.user, or 401. */
export function authenticate(verifyJwt: VerifyJwt) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header?.startsWith("Bearer ")) {
      res.status(401).json({ error: "Missing token" });
      return;
    }
    try {
      res.locals.user = await verifyJwt(header.slice("Bearer ".length));
      next();
    } catch {
      res.status(401).json({ error: "Invalid token" });
    }
  };
}

import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks `Authorization: Bearer <token>` against the admin credential in
 * constant time: both sides are hashed first, so neither the content nor the
 * length of the credential shows in the timing.
 */
export function createAdminTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash("sha256").update(token, "utf8").digest();
  return (authorization) => {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? "");
    const presented = createHash("sha256")
      .update(match?.[1] ?? "", "utf8")
      .digest();
    return timingSafeEqual(presented, expected) && match !== null;
  };
}

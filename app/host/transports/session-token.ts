// The per-start secret a browser must present: random, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new random token (URL-safe, 256 bits). */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** True when `given` equals `expected`; hashing first makes the comparison constant-time whatever the lengths. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

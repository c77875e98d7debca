import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Every key starts with this, so secret scanners and people recognise one. */
export const API_KEY_PREFIX = "isol8_";

/** `isol8_` and 32 random bytes in base64url (43 characters, no padding). */
const API_KEY_FORMAT = /^isol8_[A-Za-z0-9_-]{43}$/;

/** A new secret key. It is shown once; only its digest is stored. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_FORMAT.test(value);
}

/** The SHA-256 of a key: what a key store keeps instead of the key. */
export function apiKeyDigest(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/**
 * Compares a presented key with a stored digest in constant time. Both sides are digests of fixed length, so
 * neither the comparison nor a length check can tell an attacker how much of a guess was right.
 */
export function digestMatches(presented: string, storedDigest: Buffer): boolean {
  const digest = apiKeyDigest(presented);
  return storedDigest.length === digest.length && timingSafeEqual(digest, storedDigest);
}

/** The value of an `Authorization: Bearer <key>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

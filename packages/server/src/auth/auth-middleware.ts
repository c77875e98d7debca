import { Isol8Error } from "@isol8/core";
import type { MiddlewareHandler } from "hono";
import type { Caller, ServerEnv } from "../context.js";
import type { KeyStore } from "../keys/key-store.js";
import { apiKeyDigest, bearerToken, digestMatches } from "./api-key.js";

/** The tenant the admin key acts as when it runs code itself. */
export const ADMIN_TENANT = "admin";

/**
 * Requires `Authorization: Bearer <key>`: the admin key (compared in constant time with its digest, which is all
 * the server keeps of it) or a key the store verifies. Every failure reads the same, so a client cannot tell a
 * revoked key from a mistyped one.
 */
export function authMiddleware(
  keyStore: KeyStore,
  adminKey: string | undefined,
): MiddlewareHandler<ServerEnv> {
  const adminDigest = adminKey === undefined ? undefined : apiKeyDigest(adminKey);
  return async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (token === undefined) {
      throw new Isol8Error("UNAUTHORIZED", "this route needs an API key", {
        hint: "Send the header Authorization: Bearer isol8_…",
      });
    }
    let caller: Caller | undefined;
    if (adminDigest && digestMatches(token, adminDigest)) {
      caller = { keyId: "admin", keyName: "admin", tenant: ADMIN_TENANT, quota: {}, admin: true };
    } else {
      const verified = await keyStore.verify(token);
      if (verified) {
        caller = {
          keyId: verified.id,
          keyName: verified.name,
          tenant: verified.tenant,
          quota: verified.quota,
          admin: false,
        };
      }
    }
    if (!caller) {
      throw new Isol8Error("UNAUTHORIZED", "the API key is not valid (unknown, revoked or expired)", {
        hint: "Ask the server's operator for a key (isol8 keys create).",
      });
    }
    c.set("caller", caller);
    await next();
  };
}

/** Only the admin key passes. */
export const adminOnly: MiddlewareHandler<ServerEnv> = async (c, next) => {
  if (!c.get("caller").admin) throw new Isol8Error("FORBIDDEN", "only the admin key may do this");
  await next();
};

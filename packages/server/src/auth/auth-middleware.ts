import { Isol8Error } from "@isol8/core";
import type { MiddlewareHandler } from "hono";
import type { Caller, ServerEnv } from "../context.js";
import { RESERVED_TENANT } from "../keys/key-schema.js";
import type { KeyStore } from "../keys/key-store.js";
import { apiKeyDigest, bearerToken, digestMatches, looksLikeApiKey } from "./api-key.js";

/** The tenant the admin key acts as when it runs code itself; no other key may belong to it. */
export const ADMIN_TENANT = RESERVED_TENANT;

/**
 * Requires `Authorization: Bearer <key>`: the admin key (compared in constant time with its digest, which is all
 * the server keeps of it) or a key the store verifies. Every failure reads the same, so a client cannot tell a
 * revoked key from a mistyped one.
 */
export function authMiddleware(
  keyStore: KeyStore,
  adminKey: string | undefined,
): MiddlewareHandler<ServerEnv> {
  if (adminKey !== undefined && !looksLikeApiKey(adminKey)) {
    // A short or guessable admin key would undo everything else here.
    throw new Isol8Error(
      "CONFIG_INVALID",
      "the admin key must be an isol8 key: isol8_ and 43 base64url characters",
      {
        hint: "Make one with generateApiKey() from @isol8/server.",
      },
    );
  }
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

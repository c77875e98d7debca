import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Isol8Error, parseDuration } from "@isol8/core";
import type { ServeArguments } from "../commands/serve.js";
import { createCliContext } from "./context.js";
import { defaultKeyStoreLocation } from "./key-store-location.js";

/**
 * `isol8 serve`: one engine for the server's whole life, so its pool stays warm across requests. SIGTERM (or
 * Ctrl-C) drains: no new requests, running ones finish until the deadline, then every sandbox the server made is
 * removed. Images are never removed.
 */
export async function serveAction(args: ServeArguments): Promise<number> {
  const server = await import("@isol8/server");
  const mcp = await import("@isol8/mcp");
  const drainMs = parseDuration(args.drain, "--drain");
  const policy = args.policy ? readPolicy(args.policy, server.serverPolicySchema) : undefined;
  const adminKey = process.env.ISOL8_ADMIN_KEY || undefined;
  // A pool, so that requests start in a sandbox that is already running; `pool.size` in the config sets it.
  const { engine } = await createCliContext({ config: args.config, minimumPool: 2 });
  await engine.ping();
  const location = args.keys ?? defaultKeyStoreLocation();
  if (!/^postgres(ql)?:\/\//i.test(location)) mkdirSync(dirname(location), { recursive: true });
  const keyStore = server.createKeyStore(location);
  const http = server.createServer({
    engine,
    keyStore,
    // MCP over Streamable HTTP at /mcp: the same keys, the same tenant policy.
    mcp: mcp.createMcpHttpHandler(),
    ...(policy ? { policy } : {}),
    ...(adminKey ? { adminKey } : {}),
  });
  const { url } = await http.listen({ port: args.port, hostname: args.host });
  process.stderr.write(
    `[isol8] serving on ${url} (keys: ${location.replace(/:[^:@/]*@/, ":***@")}; ${adminKey ? "admin key set" : "no ISOL8_ADMIN_KEY: key routes answer 403"})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  process.stderr.write(`[isol8] draining (up to ${Math.round(drainMs / 1000)} s)…\n`);
  await http.close({ deadlineMs: drainMs });
  await engine.close();
  await keyStore.close();
  process.stderr.write("[isol8] stopped; every sandbox this server made is removed\n");
  return 0;
}

function readPolicy<T>(
  file: string,
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Isol8Error(
      "CONFIG_INVALID",
      `--policy ${file} could not be read as JSON: ${(error as Error).message}`,
    );
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new Isol8Error("CONFIG_INVALID", `--policy ${file} is invalid: ${problems.join("; ")}`, {
    hint: "See docs/server.md#policy for the keys a policy file takes.",
  });
}

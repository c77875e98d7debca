import { auditEngine, createAuditLog, Isol8Error, type SandboxEngine } from "@isol8/core";
import type { RunArguments } from "../commands/run.js";
import { trustDeferredExtraCa } from "../deferred-extra-ca.js";
import type { CliContext } from "./context.js";
import { createKubernetesCliEngine } from "./kubernetes-engine.js";

/** The engine a run uses: the local Docker engine, or an isol8 server (`--host`). */
export interface RunEngine {
  engine: SandboxEngine;
  /** Ends it the way this CLI run needs: a local one does not wait for released sandboxes to be removed. */
  close(): Promise<void>;
}

/**
 * With `--host`, the same run goes to a server: the key from `--key`, else ISOL8_API_KEY. Options that only mean
 * something on this machine's Docker are refused before anything is sent; the remote client (with its WebSocket
 * library) is loaded only then: a local run does not need it. With `--engine kubernetes` (or the config's
 * `engine`), it goes to a pod in the cluster.
 */
export async function runEngineFor(args: RunArguments, context: CliContext): Promise<RunEngine> {
  const kind = args.engine ?? context.loaded.config.engine;
  if (kind === "kubernetes") {
    if (args.host) {
      throw new Isol8Error("INVALID_INPUT", "--host and --engine kubernetes do not go together", {
        hint: "A server chooses its own engine; drop one of them.",
      });
    }
    const kubernetes = await createKubernetesCliEngine(context.loaded, context.runtimes);
    const audit = context.loaded.config.audit;
    return {
      engine: audit ? auditEngine(kubernetes, createAuditLog(audit)) : kubernetes,
      close: () => kubernetes.close(),
    };
  }
  const local = context.engine;
  if (!args.host) return { engine: local, close: () => local.close({ waitForRemovals: false }) };
  if (args.persist || args.forceImage) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `--${args.persist ? "persist" : "force-image"} does not apply with --host`,
      {
        hint: "A server keeps no container for debugging and runs only the images its policy allows.",
      },
    );
  }
  const apiKey = args.key ?? process.env.ISOL8_API_KEY;
  if (!apiKey) {
    throw new Isol8Error("INVALID_INPUT", `--host ${args.host} needs an API key`, {
      hint: "Pass --key isol8_… or set ISOL8_API_KEY (the server's operator creates keys with `isol8 keys create`).",
    });
  }
  let url: URL;
  try {
    url = new URL(args.host);
  } catch {
    throw new Isol8Error("INVALID_INPUT", `--host "${args.host}" is not a URL`, {
      hint: "Give the server's address, e.g. --host https://isol8.example.com",
    });
  }
  const { createRemoteEngine } = await import("@isol8/remote");
  trustDeferredExtraCa();
  const engine = createRemoteEngine({ url: url.href.replace(/\/$/, ""), apiKey });
  return { engine, close: () => engine.close() };
}

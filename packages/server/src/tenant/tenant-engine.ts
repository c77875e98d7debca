import { isIsol8Error, type SandboxEngine, type Session, type SessionInfo } from "@isol8/core";
import type { Caller, ServerContext } from "../context.js";
import { rejectionReason } from "../metrics.js";
import {
  executionFromLibrary,
  sessionExecutionFromLibrary,
  sessionOptionsFromLibrary,
} from "../policy/library-requests.js";
import { runInSlot, streamInSlot } from "./slotted.js";

/**
 * The server's engine as one caller may use it: the SandboxEngine contract with the tenant's policy applied to
 * every request (defaults, ceilings, runtimes), the scheduler's slots and metrics around every run, and sessions
 * that are the tenant's own (named as the REST routes name them, counted against the same maximum, stopped at
 * shutdown). It is what a protocol mounted on the server (MCP) runs on, so that it cannot bypass any of that.
 * `close()` does nothing: the engine underneath is the server's.
 */
export function createTenantEngine(context: ServerContext, caller: Caller): SandboxEngine {
  const { engine, sessions } = context;
  const policy = () => context.policy.forTenant(caller.tenant);

  /** A refusal counts in the metrics as the REST routes count theirs. */
  const checked = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      const reason = rejectionReason(error);
      if (reason) context.metrics.rejected(reason);
      throw error;
    }
  };

  /** Every operation looks the session up again, so one stopped elsewhere (DELETE, idle) is NOT_FOUND here too. */
  const live = async (id: string) => (await sessions.open(caller.tenant, id)).session;

  function tenantSession(id: string, runtime: string): Session {
    return {
      name: id,
      runtime,
      async execute(request, options = {}) {
        const input = checked(() => sessionExecutionFromLibrary(policy(), request));
        const session = await live(id);
        return runInSlot(context, caller, runtime, options.signal, (signal) =>
          session.execute(input, { ...options, signal }),
        );
      },
      async *executeStream(request, options = {}) {
        const input = checked(() => sessionExecutionFromLibrary(policy(), request));
        const session = await live(id);
        yield* streamInSlot(context, caller, runtime, options.signal, (signal) =>
          session.executeStream(input, { ...options, signal }),
        );
      },
      writeFiles: async (files) => (await live(id)).writeFiles(files),
      readFiles: async (paths) => (await live(id)).readFiles(paths),
      // The server's session directory holds the engine's handle; there is nothing of this one's to let go.
      detach: () => undefined,
      stop: () => sessions.stop(caller.tenant, id),
    };
  }

  return {
    async execute(request, options = {}) {
      const input = checked(() => executionFromLibrary(policy(), request));
      return runInSlot(context, caller, input.runtime, options.signal, (signal) =>
        engine.execute(input, { ...options, signal }),
      );
    },
    async *executeStream(request, options = {}) {
      const input = checked(() => executionFromLibrary(policy(), request));
      yield* streamInSlot(context, caller, input.runtime, options.signal, (signal) =>
        engine.executeStream(input, { ...options, signal }),
      );
    },
    async session(name, options) {
      const tenantPolicy = policy();
      const sessionOptions = checked(() => sessionOptionsFromLibrary(tenantPolicy, options));
      const max = Math.min(tenantPolicy.maxSessions, caller.quota.maxSessions ?? Number.POSITIVE_INFINITY);
      const opened = await sessions.create(caller.tenant, sessionOptions, max, name);
      return tenantSession(opened.id, opened.info.runtime);
    },
    async listSessions(): Promise<SessionInfo[]> {
      // The backend's own ids stay on the server, as in the REST API: a tenant sees its public ids only.
      return (await sessions.list(caller.tenant)).map(({ id, info }) => ({ ...info, name: id, id }));
    },
    async stopSession(name) {
      try {
        await sessions.stop(caller.tenant, name);
        return true;
      } catch (error) {
        if (isIsol8Error(error) && error.code === "NOT_FOUND") return false;
        throw error;
      }
    },
    async listRuntimes() {
      const allowed = policy().runtimes;
      const all = await engine.listRuntimes();
      return allowed ? all.filter((runtime) => allowed.includes(runtime.name)) : all;
    },
    ping: () => engine.ping(),
    close: async () => undefined,
  };
}

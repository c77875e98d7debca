import {
  type ExecuteOptions,
  type ExecutionEvent,
  type ExecutionRequest,
  type ExecutionRequestInput,
  type ExecutionResult,
  executionRequestSchema,
  Isol8Error,
  type RuntimeInfo,
  type SandboxEngine,
  type Session,
  type SessionExecutionInput,
  type SessionInfo,
  type SessionOptions,
} from "@isol8/core";
import { createFakeStdin } from "./fake-stdin.js";

/**
 * An in-memory SandboxEngine for the server's unit tests. Its "programs" are lines of a tiny language:
 * `print TEXT`, `eprint TEXT`, `sleep MS`, `exit N`, `cat PATH` (a file of the sandbox), `write PATH TEXT`,
 * `env NAME`, and `echo-stdin` (copies stdin to stdout as it arrives, until end-of-file). A signal from
 * `options.input` ends the program as a real one's would: exit code 128+n and `signal` set (SIGINT → 130).
 * It records what it was asked, so tests can see the defaults and ceilings the server applied.
 */
export interface FakeEngine extends SandboxEngine {
  /** Every request execute/executeStream received, after the engine's own validation. */
  readonly requests: ExecutionRequest[];
  /** Options of every session created. */
  readonly sessionOptions: Map<string, SessionOptions>;
  /** Engine calls aborted through their signal. */
  aborted: number;
  /** Engine calls running right now. */
  active: number;
  /** Session handles let go of with detach(). */
  detached: number;
  /** When false, ping rejects with ENGINE_UNAVAILABLE. */
  available: boolean;
}

const RUNTIMES: RuntimeInfo[] = [
  { name: "python", extensions: [".py"], versions: { python: "3.11.2" } },
  { name: "node", extensions: [".js"], versions: { node: "20.19.0" } },
];

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

interface FakeSession {
  info: SessionInfo;
  files: Map<string, Uint8Array>;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Isol8Error("CANCELLED", "aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createFakeEngine(): FakeEngine {
  const sessions = new Map<string, FakeSession>();
  let nextId = 1;

  async function run(
    request: ExecutionRequest,
    files: Map<string, Uint8Array>,
    options: ExecuteOptions,
  ): Promise<ExecutionResult> {
    const started = Date.now();
    engine.active += 1;
    const out = { stdout: "", stderr: "" };
    const emit = (event: ExecutionEvent) => options.onEvent?.(event);
    const stdin = createFakeStdin(request.stdin, options.input);
    // Sleeps and reads end early on a signal as well as on an abort; which of the two it was decides the outcome.
    const interrupt = options.signal ? AbortSignal.any([options.signal, stdin.stopped]) : stdin.stopped;
    try {
      if (!RUNTIMES.some((runtime) => runtime.name === request.runtime)) {
        throw new Isol8Error("RUNTIME_UNKNOWN", `no runtime "${request.runtime}"`);
      }
      for (const file of request.files) files.set(file.path, file.content);
      emit({ type: "phase", phase: "sandbox" });
      emit({ type: "phase", phase: "run" });
      let exitCode = 0;
      for (const line of request.code.split("\n")) {
        const [command = "", ...rest] = line.trim().split(" ");
        const argument = rest.join(" ");
        const write = (stream: "stdout" | "stderr", data: string) => {
          out[stream] += data;
          emit({ type: stream, data });
        };
        if (command === "print") write("stdout", `${argument}\n`);
        else if (command === "eprint") write("stderr", `${argument}\n`);
        else if (command === "sleep") await sleep(Number(argument), interrupt).catch(() => undefined);
        else if (command === "echo-stdin") {
          for (let chunk = await stdin.read(); chunk !== undefined; chunk = await stdin.read()) {
            write("stdout", chunk);
          }
        } else if (command === "exit") exitCode = Number(argument);
        else if (command === "env") write("stdout", `${request.env[argument] ?? ""}\n`);
        else if (command === "cat")
          write("stdout", new TextDecoder().decode(files.get(argument) ?? new Uint8Array()));
        else if (command === "write") {
          const [path = "", ...text] = rest;
          files.set(path, new TextEncoder().encode(text.join(" ")));
        }
        if (options.signal?.aborted) throw new Isol8Error("CANCELLED", "aborted");
        if (exitCode !== 0 || stdin.signal) break;
      }
      const result: ExecutionResult = {
        exitCode: stdin.signalExitCode ?? exitCode,
        signal: stdin.signal,
        ...out,
        truncated: false,
        timedOut: false,
        oomKilled: false,
        durations: { totalMs: Date.now() - started, sandboxMs: 0, installMs: 0, runMs: Date.now() - started },
        image: `isol8:${request.runtime}`,
        installed: [],
        files: request.download.map((path) => {
          const content = files.get(path);
          return content ? { path, content } : { path, error: "no such file" };
        }),
        containerId: undefined,
      };
      emit({ type: "result", result });
      return result;
    } catch (error) {
      if (options.signal?.aborted) engine.aborted += 1;
      throw error;
    } finally {
      stdin.close();
      engine.active -= 1;
    }
  }

  function parse(input: ExecutionRequestInput): ExecutionRequest {
    const parsed = executionRequestSchema.safeParse(input);
    if (!parsed.success) throw new Isol8Error("INVALID_INPUT", parsed.error.issues[0]?.message ?? "invalid");
    engine.requests.push(parsed.data);
    return parsed.data;
  }

  async function* stream(
    start: (options: ExecuteOptions) => Promise<ExecutionResult>,
    options: Omit<ExecuteOptions, "onEvent">,
  ): AsyncGenerator<ExecutionEvent> {
    const queue: ExecutionEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    const onEvent = (event: ExecutionEvent) => {
      queue.push(event);
      wake?.();
    };
    start({ ...options, onEvent }).then(
      () => {
        done = true;
        wake?.();
      },
      (error: unknown) => {
        failure = error ?? new Error("failed");
        done = true;
        wake?.();
      },
    );
    for (;;) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  function sessionHandle(name: string, state: FakeSession): Session {
    const input = (request: SessionExecutionInput) => {
      if (request.runtime !== undefined && request.runtime !== state.info.runtime) {
        throw new Isol8Error("INVALID_INPUT", `the session runs ${state.info.runtime}`);
      }
      return parse({ ...request, runtime: state.info.runtime });
    };
    const live = () => {
      if (sessions.get(name) !== state) throw new Isol8Error("SANDBOX_FAILED", "the session has ended");
    };
    return {
      name,
      runtime: state.info.runtime,
      execute: async (request, options = {}) => {
        live();
        return run(input(request), state.files, options);
      },
      executeStream: (request, options = {}) =>
        stream(async (all) => {
          live();
          return run(input(request), state.files, all);
        }, options),
      writeFiles: async (files) => {
        live();
        for (const file of files) state.files.set(file.path, file.content);
      },
      readFiles: async (paths) =>
        paths.map((path) => {
          const content = state.files.get(path);
          return content ? { path, content } : { path, error: "no such file" };
        }),
      detach: () => {
        engine.detached += 1;
      },
      stop: async () => {
        sessions.delete(name);
      },
    };
  }

  const engine: FakeEngine = {
    requests: [],
    sessionOptions: new Map(),
    aborted: 0,
    active: 0,
    detached: 0,
    available: true,
    execute: async (request, options = {}) => run(parse(request), new Map(), options),
    executeStream: (request, options = {}) => stream((all) => run(parse(request), new Map(), all), options),
    async session(name, options) {
      if (!SESSION_NAME.test(name)) throw new Isol8Error("INVALID_INPUT", `bad session name "${name}"`);
      let state = sessions.get(name);
      if (state && state.info.runtime !== options.runtime) {
        throw new Isol8Error("INVALID_INPUT", `session "${name}" runs ${state.info.runtime}`);
      }
      if (!state) {
        if (!RUNTIMES.some((runtime) => runtime.name === options.runtime)) {
          throw new Isol8Error("RUNTIME_UNKNOWN", `no runtime "${options.runtime}"`);
        }
        state = {
          info: {
            name,
            id: `fake-${nextId++}`,
            runtime: options.runtime,
            state: "running",
            createdAt: new Date(),
          },
          files: new Map(),
        };
        sessions.set(name, state);
        engine.sessionOptions.set(name, options);
      }
      return sessionHandle(name, state);
    },
    listSessions: async () => [...sessions.values()].map((session) => ({ ...session.info })),
    stopSession: async (name) => sessions.delete(name),
    listRuntimes: async () => RUNTIMES.map((runtime) => ({ ...runtime })),
    ping: async () => {
      if (!engine.available) throw new Isol8Error("ENGINE_UNAVAILABLE", "the fake engine is down");
    },
    close: async () => {
      sessions.clear();
    },
  };
  return engine;
}

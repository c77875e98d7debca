import type { Duplex } from "node:stream";
import { PassThrough } from "node:stream";
import { AgentConnection } from "@isol8/core";
import type Docker from "dockerode";

/**
 * Attaches to a container's stdio and talks to its agent (PID 1) over it. Attached before the start, the agent's
 * hello is not missed; `ready` resolves on it.
 */
export async function attachAgent(docker: Docker, container: Docker.Container): Promise<AgentConnection> {
  const stream = (await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as unknown as Duplex;
  // Docker multiplexes both output streams on one socket; the frames travel on stdout.
  const output = new PassThrough();
  const diagnostics = new PassThrough();
  docker.modem.demuxStream(stream, output, diagnostics);
  return new AgentConnection({
    input: stream,
    output,
    diagnostics,
    close: () => {
      stream.end();
      stream.destroy();
    },
    onEnd: (listener) => {
      stream.on("end", () => listener());
      stream.on("close", () => listener());
      stream.on("error", (error) => listener(error));
    },
  });
}

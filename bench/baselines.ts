import { PassThrough } from "node:stream";
import { limitsSchema } from "@isol8/core";
import { createDockerClient } from "../packages/docker/src/client.js";
import { containerSpec } from "../packages/docker/src/sandbox/container-spec.js";
import { loadSeccompProfile } from "../packages/docker/src/sandbox/seccomp.js";

type Docker = ReturnType<typeof createDockerClient>;
type ContainerSpec = ReturnType<typeof containerSpec>;

/**
 * What Docker itself costs, through the Engine API with the same client library isol8 uses (dockerode) and the
 * same hardening (user, read-only root, tmpfs, no capabilities, seccomp, limits, no network). Only the entrypoint
 * differs: the image's is isol8's agent, so the baselines override it.
 */
export async function hardenedSpec(
  image: string,
  entrypoint: string[],
  cmd: string[],
): Promise<ContainerSpec> {
  const spec = containerSpec({
    image,
    runtime: "bench",
    limits: limitsSchema.parse({}),
    seccompProfile: await loadSeccompProfile(),
    networkMode: "none",
    labels: { "org.isol8.bench": "baseline" },
  });
  return {
    ...spec,
    Entrypoint: entrypoint,
    Cmd: cmd,
    OpenStdin: false,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    // Removed by the baseline itself, which times the removal.
    HostConfig: { ...spec.HostConfig, AutoRemove: false },
  };
}

export function benchDockerClient(): Docker {
  return createDockerClient();
}

export type IdleContainer = Awaited<ReturnType<Docker["createContainer"]>>;

/** A running container that idles, for `docker exec`-style baselines. */
export async function startIdleContainer(docker: Docker, image: string): Promise<IdleContainer> {
  const container = await docker.createContainer(await hardenedSpec(image, ["sleep"], ["infinity"]));
  await container.start();
  return container;
}

/**
 * One exec through the Engine API: create the exec, start it attached, wait for its output stream to end, read
 * its exit code. Fails unless the command printed `expected` and exited 0.
 */
export async function rawExec(
  docker: Docker,
  container: IdleContainer,
  cmd: string[],
  expected: string,
): Promise<void> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  stderr.resume();
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  const info = await exec.inspect();
  const output = Buffer.concat(chunks).toString();
  if (info.ExitCode !== 0 || output !== expected) {
    throw new Error(`raw exec of ${cmd.join(" ")} exited ${info.ExitCode} with ${JSON.stringify(output)}`);
  }
}

/** Per-step times of one create + start + wait + remove, in milliseconds. */
export interface ColdSteps {
  create: number;
  start: number;
  wait: number;
  remove: number;
  total: number;
}

/** A fresh container through the Engine API that runs the command to its end and is removed (awaited). */
export async function rawCold(docker: Docker, spec: ContainerSpec): Promise<ColdSteps> {
  const t0 = performance.now();
  const container = await docker.createContainer(spec);
  const t1 = performance.now();
  try {
    await container.start();
    const t2 = performance.now();
    const exit = (await container.wait()) as { StatusCode: number };
    const t3 = performance.now();
    if (exit.StatusCode !== 0) throw new Error(`raw cold run exited ${exit.StatusCode}`);
    await container.remove({ force: true, v: true });
    const t4 = performance.now();
    return { create: t1 - t0, start: t2 - t1, wait: t3 - t2, remove: t4 - t3, total: t4 - t0 };
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    throw error;
  }
}

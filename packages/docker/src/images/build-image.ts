import { Isol8Error } from "@isol8/core";
import type Docker from "dockerode";
import { tlsHintFor } from "../tls-hint.js";
import { type BuildContextFiles, packBuildContext } from "./build-context.js";
import { createBuildLeftoverTracker, removeBuildLeftovers } from "./build-leftovers.js";

export interface BuildProgress {
  /** The image being built ("isol8:python"). */
  image: string;
  /** One line of build output ("Step 3/9 : RUN apt-get install …"). */
  line: string;
}

export interface BuildImageOptions {
  tag: string;
  files: BuildContextFiles;
  labels: Record<string, string>;
  buildArgs?: Record<string, string>;
  /** Build every step again instead of reusing cached layers (`setup --force`: fresh packages, not old layers). */
  noCache?: boolean;
  onProgress?: (progress: BuildProgress) => void;
}

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Builds one image. On failure the tag is left where it was (the engine only moves a tag after success), the
 * untagged images the failed build committed are removed, and the error quotes the failing step and the last lines
 * of its output.
 */
export async function buildImage(docker: Docker, options: BuildImageOptions): Promise<string> {
  const context = packBuildContext(options.files);
  const recent: string[] = [];
  let currentStep = "";
  const leftovers = createBuildLeftoverTracker();
  const stream = await docker.buildImage(context, {
    t: options.tag,
    labels: options.labels,
    buildargs: options.buildArgs ?? {},
    rm: true,
    forcerm: true,
    ...(options.noCache ? { nocache: true } : {}),
  });

  const messages = await new Promise<BuildMessage[]>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: BuildMessage[]) => (error ? reject(error) : resolve(output)),
      (message: BuildMessage) => {
        const text = message.stream ?? message.status;
        if (!text) return;
        for (const line of text.split("\n")) {
          const trimmed = line.trimEnd();
          if (trimmed === "") continue;
          if (/^Step \d+\/\d+ :/.test(trimmed)) currentStep = trimmed;
          leftovers.line(trimmed);
          recent.push(trimmed);
          if (recent.length > 25) recent.shift();
          options.onProgress?.({ image: options.tag, line: trimmed });
        }
      },
    );
  }).catch(async (cause: unknown) => {
    await discard(docker, leftovers.created());
    throw buildFailed(options.tag, String((cause as Error).message ?? cause), currentStep, recent, cause);
  });

  const failure = messages.find((message) => message.error);
  if (failure) {
    await discard(docker, leftovers.created());
    throw buildFailed(options.tag, failure.errorDetail?.message ?? failure.error ?? "", currentStep, recent);
  }
  const image = await docker.getImage(options.tag).inspect();
  return image.Id;
}

/** Best effort: the build error is what the user must see, not a failure to tidy up after it. */
async function discard(docker: Docker, ids: string[]): Promise<void> {
  await removeBuildLeftovers(docker, ids).catch(() => undefined);
}

function buildFailed(
  tag: string,
  reason: string,
  step: string,
  recent: string[],
  cause?: unknown,
): Isol8Error {
  const where = step ? ` at "${step.replace(/^Step \d+\/\d+ : /, "")}"` : "";
  const tail = recent.slice(-8).join("\n  ");
  const tls = tlsHintFor(`${recent.join("\n")}\n${reason}`);
  return new Isol8Error("IMAGE_BUILD_FAILED", `Building ${tag} failed${where}: ${reason.trim()}`, {
    hint: `Any previous ${tag} is still in place. Last build output:\n  ${tail}${tls ? `\n${tls}` : ""}`,
    cause,
  });
}

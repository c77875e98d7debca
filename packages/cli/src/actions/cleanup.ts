import { createInterface } from "node:readline/promises";
import { Isol8Error } from "@isol8/core";
import type { CleanupArguments } from "../commands/cleanup.js";
import { createCliContext, loadCliRuntimes } from "./context.js";
import { createKubernetesCliEngine } from "./kubernetes-engine.js";

/** `isol8 cleanup`: removes what carries isol8's labels, after asking (unless --force). */
export async function cleanupAction(args: CleanupArguments): Promise<number> {
  const { loaded, runtimes } = await loadCliRuntimes(args.config);
  if ((args.engine ?? loaded.config.engine) === "kubernetes") {
    return cleanupKubernetes(args, await createKubernetesCliEngine(loaded, runtimes));
  }
  const { engine } = await createCliContext({ config: args.config });
  const leftovers = await engine.findLeftovers({ images: args.images });
  const total = leftovers.containers.length + leftovers.images.length + leftovers.networks.length;
  if (total === 0) {
    process.stdout.write("Nothing to clean up.\n");
    return 0;
  }
  for (const container of leftovers.containers) {
    process.stdout.write(`container ${container.id.slice(0, 12)} ${container.name} (${container.state})\n`);
  }
  for (const image of leftovers.images) {
    process.stdout.write(
      `image     ${image.id.replace(/^sha256:/, "").slice(0, 12)} ${image.tags.join(", ") || "<untagged>"}\n`,
    );
  }
  for (const network of leftovers.networks) {
    process.stdout.write(`network   ${network.id.slice(0, 12)} ${network.name}\n`);
  }
  if (!args.force && !(await confirm(`Remove these ${total} isol8 object(s)?`))) {
    process.stdout.write("Nothing removed.\n");
    return 0;
  }
  const report = await engine.cleanup(leftovers);
  process.stdout.write(
    `Removed ${report.containersRemoved} container(s) and ${report.imagesRemoved} image(s).\n`,
  );
  if (report.networksRemoved > 0) process.stdout.write(`Removed ${report.networksRemoved} network(s).\n`);
  const kept = [...report.imagesKept, ...report.networksKept];
  if (kept.length > 0) process.stdout.write(`Kept (in use): ${kept.join(", ")}\n`);
  return 0;
}

/** The namespace's pods, network policies and egress proxy objects that carry isol8's labels. */
async function cleanupKubernetes(
  args: CleanupArguments,
  engine: Awaited<ReturnType<typeof createKubernetesCliEngine>>,
): Promise<number> {
  if (args.images) {
    throw new Isol8Error("INVALID_INPUT", "--images does not apply with --engine kubernetes", {
      hint: "Images live on the cluster's nodes (or its registry); remove them there.",
    });
  }
  const leftovers = await engine.findLeftovers();
  const rows = [
    ...leftovers.pods.map((name) => `pod            ${name}`),
    ...leftovers.networkPolicies.map((name) => `networkpolicy  ${name}`),
    ...leftovers.deployments.map((name) => `deployment     ${name}`),
    ...leftovers.services.map((name) => `service        ${name}`),
  ];
  if (rows.length === 0) {
    process.stdout.write(`Nothing to clean up in namespace ${engine.namespace}.\n`);
    return 0;
  }
  process.stdout.write(`${rows.join("\n")}\n`);
  if (
    !args.force &&
    !(await confirm(`Remove these ${rows.length} isol8 object(s) from namespace ${engine.namespace}?`))
  ) {
    process.stdout.write("Nothing removed.\n");
    return 0;
  }
  const report = await engine.cleanup(leftovers);
  process.stdout.write(
    `Removed ${report.pods} pod(s), ${report.networkPolicies} network policy(ies), ${report.deployments} deployment(s) and ${report.services} service(s).\n`,
  );
  await engine.close();
  return 0;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    process.stderr.write(
      "isol8: not a terminal, so nothing was removed; pass --force to remove without asking.\n",
    );
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

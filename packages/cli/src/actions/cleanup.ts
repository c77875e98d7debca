import { createInterface } from "node:readline/promises";
import type { CleanupArguments } from "../commands/cleanup.js";
import { createCliContext } from "./context.js";

/** `isol8 cleanup`: removes what carries isol8's labels, after asking (unless --force). */
export async function cleanupAction(args: CleanupArguments): Promise<number> {
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

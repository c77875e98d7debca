import type { BuildProgress } from "@isol8/docker";

const STEP = /^Step \d+\/\d+ :/;

/**
 * Build progress on stderr: in a terminal one live line showing the image and its latest output; otherwise (CI,
 * logs) one plain line per build step and per OS-image bootstrap message.
 */
export function createBuildProgressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const live = stream.isTTY === true;
  return ({ image, line }: BuildProgress) => {
    if (live) {
      const width = (stream.columns || 100) - 1;
      stream.write(`\r\x1b[2K${`[isol8] ${image}: ${line}`.slice(0, width)}`);
    } else if (STEP.test(line) || line.startsWith("[isol8]") || line.includes(" is missing")) {
      stream.write(`[isol8] ${image}: ${line.replace(/^\[isol8\] /, "")}\n`);
    }
  };
}

/** Clears a live progress line so that what follows starts on a clean line. */
export function endProgressLine(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write("\r\x1b[2K");
}

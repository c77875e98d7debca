import type { Readable } from "node:stream";
import { pack } from "tar-stream";

/** A build context as a map of relative path → content. */
export type BuildContextFiles = Record<string, string | Buffer>;

/**
 * Packs the files as a tar stream for the engine's build API. Entries are sorted and dated 0 so the same files
 * always give the same context (the engine's layer cache then hits).
 */
export function packBuildContext(files: BuildContextFiles): Readable {
  const archive = pack();
  for (const name of Object.keys(files).sort()) {
    const content = files[name] ?? "";
    archive.entry({ name, mode: 0o644, mtime: new Date(0) }, typeof content === "string" ? content : content);
  }
  archive.finalize();
  return archive as unknown as Readable;
}

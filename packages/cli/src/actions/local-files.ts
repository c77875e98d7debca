import { lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { type DownloadedFile, Isol8Error, type SandboxFile } from "@isol8/core";

/** Folders never worth copying into a sandbox: history and dependencies the sandbox installs itself. */
const SKIPPED = new Set([".git", "node_modules"]);

/**
 * Every regular file under `dir`, as files for /sandbox with the same relative paths. Symbolic links are skipped,
 * never followed: a link must not carry a file from outside `dir` into the sandbox.
 */
export async function readLocalDirectory(dir: string): Promise<SandboxFile[]> {
  const root = resolve(dir);
  const stats = await lstat(root).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new Isol8Error("FILE_NOT_FOUND", `--files ${dir} is not a directory`, {
      hint: "Give a folder whose files should be copied into /sandbox.",
    });
  }
  const files: SandboxFile[] = [];
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const mode = (await lstat(path)).mode;
        files.push({
          path: `/sandbox/${relative(root, path).split(sep).join("/")}`,
          content: await readFile(path),
          executable: (mode & 0o111) !== 0,
        });
      }
    }
  }
  await walk(root);
  return files;
}

/**
 * Writes downloaded files under `dir`, keeping their path relative to /sandbox. Returns one line per file that
 * could not be brought back.
 */
export async function writeDownloads(files: readonly DownloadedFile[], dir: string): Promise<string[]> {
  const problems: string[] = [];
  const root = resolve(dir);
  for (const file of files) {
    if (!file.content) {
      problems.push(`could not download ${file.path}: ${file.error ?? "unknown error"}`);
      continue;
    }
    const inSandbox = posix.relative("/sandbox", posix.resolve("/sandbox", file.path));
    const target = resolve(root, inSandbox);
    if (inSandbox.startsWith("..") || !(target === root || target.startsWith(root + sep))) {
      problems.push(`could not download ${file.path}: it is outside /sandbox`);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return problems;
}

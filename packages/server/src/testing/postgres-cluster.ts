import { execFile } from "node:child_process";
import { chown, mkdtemp, realpath, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throwaway PostgreSQL server on loopback, from the machine's PostgreSQL binaries (Debian's package). */
export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
}

async function binDir(): Promise<string> {
  try {
    const { stdout } = await run("sh", ["-c", "command -v pg_ctl"]);
    return dirname(await realpath(stdout.trim()));
  } catch {
    throw new Error(
      "PostgreSQL's pg_ctl is not on PATH: install Debian's postgresql package (apt-get install postgresql)",
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user that Debian's package
 * creates. Trust authentication is safe here: the server listens on 127.0.0.1 only and lives for one test file.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), "isol8-pg-"));
  const asRoot = process.getuid?.() === 0;
  const exec = async (program: string, args: string[]) => {
    const path = join(bin, program);
    return asRoot ? run("runuser", ["-u", "postgres", "--", path, ...args]) : run(path, args);
  };
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }
  const data = join(dir, "data");
  const port = await freePort();
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "isol8", "--no-sync", "-E", "UTF8"]);
  await exec("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-h 127.0.0.1 -p ${port} -k ${dir} -F`,
    "start",
  ]);
  return {
    url: `postgres://isol8@127.0.0.1:${port}/postgres`,
    async stop() {
      await exec("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { execFileSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  docker: string;
  cgroup: string;
}

/** What the numbers were measured on: they only compare within one machine. */
export function describeMachine(): Machine {
  const info = (format: string) => {
    try {
      return execFileSync("docker", ["info", "--format", format], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim();
    } catch {
      return "unknown";
    }
  };
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    docker: info("{{.ServerVersion}}"),
    cgroup: `v${info("{{.CgroupVersion}}")}`,
  };
}

import { Isol8Error } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { createDockerClient, explainConnectionFailure } from "./client.js";

describe("runs without a ping", () => {
  it("report a refused or missing engine socket as ENGINE_UNAVAILABLE, with the fix", () => {
    for (const code of ["ENOENT", "ECONNREFUSED", "EACCES"]) {
      const explained = explainConnectionFailure(
        Object.assign(new Error(code), { code, syscall: "connect" }),
      );
      expect(explained).toBeInstanceOf(Isol8Error);
      expect(explained).toMatchObject({ code: "ENGINE_UNAVAILABLE", message: "No Docker engine answers" });
      expect((explained as Isol8Error).hint).toContain("ensure-docker.sh");
    }
  });

  it("leave every other error as it is", () => {
    const missingFile = Object.assign(new Error("no such file"), { code: "ENOENT", syscall: "open" });
    expect(explainConnectionFailure(missingFile)).toBe(missingFile);
    const conflict = Object.assign(new Error("conflict"), { statusCode: 409 });
    expect(explainConnectionFailure(conflict)).toBe(conflict);
  });

  it("and a client pointed at a socket that does not exist fails that way", async () => {
    const docker = createDockerClient({ socketPath: "/nonexistent/isol8-test.sock" });
    const error = await docker.listContainers().catch((cause: unknown) => explainConnectionFailure(cause));
    expect(error).toMatchObject({ code: "ENGINE_UNAVAILABLE" });
  });
});

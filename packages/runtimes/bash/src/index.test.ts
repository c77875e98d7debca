import { createRuntimeRegistry, runtimeDefinitionSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import bash from "./index.js";

describe("bash()", () => {
  it("is a valid runtime definition owning .sh", () => {
    const runtime = bash();
    expect(runtimeDefinitionSchema.safeParse(runtime).success).toBe(true);
    expect(createRuntimeRegistry([runtime]).forFile("job.sh")?.name).toBe("bash");
  });

  it("puts unpacked programs on PATH, /usr/bin first", () => {
    expect(bash().path).toEqual([
      "/sandbox/.apt/root/usr/bin",
      "/sandbox/.apt/root/bin",
      "/sandbox/.apt/root/usr/sbin",
      "/sandbox/.apt/root/sbin",
    ]);
  });

  it("takes the OS image's bash version and apt hosts from the options", () => {
    expect(bash().versions).toEqual({ bash: "5.2" });
    expect(bash().registries).toEqual(["deb.debian.org", "security.debian.org"]);
    const runtime = bash({ bashVersion: "5.3", registries: ["mirror.example"] });
    expect(runtime.dockerfile).toContain("== 5.3 ]]");
    expect(runtime.registries).toEqual(["mirror.example"]);
    expect(() => bash({ bashVersion: "5.2'; id; '" })).toThrow(/bashVersion/);
  });
});

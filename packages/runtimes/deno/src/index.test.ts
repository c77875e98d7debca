import { createRuntimeRegistry, runtimeDefinitionSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import deno from "./index.js";
import { defaultDenoPin } from "./pins.js";

describe("deno()", () => {
  it("is a valid runtime definition owning .mts", () => {
    const runtime = deno();
    expect(runtimeDefinitionSchema.safeParse(runtime).success).toBe(true);
    expect(createRuntimeRegistry([runtime]).forFile("main.mts")?.name).toBe("deno");
    expect(runtime.alsoRuns).toContain(".ts");
  });

  it("keeps its cache under /sandbox and trusts the CA bundle", () => {
    const runtime = deno();
    expect(runtime.env?.DENO_DIR).toBe(runtime.globalInstallPath);
    expect(runtime.env?.DENO_CERT).toBe("/etc/ssl/certs/ca-certificates.crt");
    expect(runtime.registries).toEqual(["registry.npmjs.org", "jsr.io"]);
  });

  it("records the pin, and takes version and integrity together from the options", () => {
    expect(deno().versions).toEqual({ deno: "2.9.6" });
    const runtime = deno({ deno: { ...defaultDenoPin, version: "2.9.5" } });
    expect(runtime.dockerfile).toContain("linux-x64-glibc-2.9.5.tgz");
  });
});

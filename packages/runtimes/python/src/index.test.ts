import { createRuntimeRegistry, runtimeDefinitionSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import python from "./index.js";

describe("python()", () => {
  it("is a valid runtime definition", () => {
    expect(runtimeDefinitionSchema.safeParse(python()).success).toBe(true);
    expect(createRuntimeRegistry([python()]).forFile("job.py")?.name).toBe("python");
  });

  it("makes --user installs visible through PYTHONUSERBASE and PATH", () => {
    const runtime = python();
    expect(runtime.globalInstallPath).toBe("/sandbox/.local");
    expect(runtime.env?.PYTHONUSERBASE).toBe(runtime.globalInstallPath);
    expect(runtime.path).toEqual(["/sandbox/.local/bin"]);
  });

  it("records the pins, and takes others from the options", () => {
    expect(python().versions).toEqual({
      python: "3.11",
      "debian:python3": "3.11.2-1+b1",
      "debian:python3-pip": "23.0.1+dfsg-1",
    });
    const runtime = python({ pins: { pip: "23.0.1+dfsg-2" } });
    expect(runtime.versions["debian:python3-pip"]).toBe("23.0.1+dfsg-2");
    expect(runtime.dockerfile).toContain("python3-pip=23.0.1+dfsg-2");
  });

  it("refuses pins that are not versions, naming the option", () => {
    expect(() => python({ pins: { python3: "1; rm -rf /" } })).toThrow(/pins.python3/);
    expect(() => python({ pins: { pythonMinor: "3" } })).toThrow(/pins.pythonMinor/);
  });

  it("lists PyPI's hosts for filtered installs", () => {
    expect(python().registries).toEqual(["pypi.org", "files.pythonhosted.org"]);
  });
});

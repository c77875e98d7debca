import { describe, expect, it } from "vitest";
import { doc, helpText } from "./help-text.test-support.js";

describe("isol8 run and cleanup --help and the docs agree on --engine", () => {
  it("run --engine", async () => {
    const help = await helpText("run");
    const row = doc("cli.md")
      .split("\n")
      .find((line) => line.startsWith("| `--engine NAME`"));
    for (const word of ["docker", "kubernetes", "kubeconfig", "docs/kubernetes.md"])
      expect(help).toContain(word);
    for (const word of ["docker", "kubernetes", "kubeconfig", "kubernetes.md"]) expect(row).toContain(word);
  });

  it("cleanup --engine", async () => {
    const help = await helpText("cleanup");
    for (const word of ["--engine", "pods", "network policies", "egress proxy"]) {
      expect(help).toContain(word);
      expect(doc("cli.md")).toContain(word);
    }
    expect(doc("kubernetes.md")).toContain("isol8 cleanup --engine kubernetes");
  });
});

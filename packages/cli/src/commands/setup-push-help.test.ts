import { describe, expect, it } from "vitest";
import { doc, helpText } from "./help-text.test-support.js";
import { PUSH_DESCRIPTION } from "./setup.js";

describe("isol8 setup --help and docs/cli.md agree on --push", () => {
  it("prints the same words as the docs", async () => {
    expect(await helpText("setup")).toContain(`--push ${PUSH_DESCRIPTION}`);
    expect(doc("cli.md").replace(/\s+/g, " ")).toContain(`\`--push [REGISTRY]\`: ${PUSH_DESCRIPTION}`);
  });
});

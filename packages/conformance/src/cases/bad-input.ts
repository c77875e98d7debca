import { describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext, settledLeftovers } from "../suite-context.js";

export function badInputCases(context: SuiteContext): void {
  const { timeout } = context;
  describe("bad input: a clear error and nothing created", () => {
    const cases: Array<[string, () => Promise<unknown>, string]> = [
      [
        "an unknown runtime",
        () => context.engine().execute({ runtime: "no-such-runtime", code: "" }),
        "RUNTIME_UNKNOWN",
      ],
      [
        "a negative timeout",
        () => context.engine().execute({ runtime: RUNTIME, code: "", limits: { timeoutMs: -1 } }),
        "INVALID_INPUT",
      ],
      [
        "a file outside /sandbox",
        () =>
          context.engine().execute({
            runtime: RUNTIME,
            code: "",
            files: [{ path: "../../etc/passwd", content: new Uint8Array() }],
          }),
        "INVALID_INPUT",
      ],
      [
        "a workdir outside /sandbox",
        () => context.engine().execute({ runtime: RUNTIME, code: "", workdir: "/etc" }),
        "INVALID_INPUT",
      ],
      [
        "a package name that smuggles a flag",
        () => context.engine().execute({ runtime: RUNTIME, code: "", install: ["--index-url=http://x"] }),
        "PACKAGE_NAME_INVALID",
      ],
      [
        "a session name with spaces",
        () => context.engine().session("not a name", { runtime: RUNTIME }),
        "INVALID_INPUT",
      ],
    ];
    for (const [what, attempt, code] of cases) {
      it(
        `refuses ${what} with ${code}`,
        async () => {
          await expect(attempt()).rejects.toMatchObject({ code });
          expect(await settledLeftovers(context)).toEqual([]);
        },
        timeout,
      );
    }
  });
}

import { afterAll, describe, expect, it } from "vitest";
import { buildTestEngine, LABELS, testClient } from "./helpers/engine.js";

const client = testClient();
const sessionPods = async () =>
  (await client.listPods(`${LABELS.managed}=true,${LABELS.kind}=session`)).filter(
    (pod) => !pod.metadata?.deletionTimestamp,
  );

describe("an idle Kubernetes session whose process went away", () => {
  const later = buildTestEngine();
  afterAll(() => later.close());

  it("is removed by the next isol8 that looks, once its idle time has passed", async () => {
    // The opener runs once and goes, as `isol8 run --session` does: nothing of it is left to time the session out.
    const opener = buildTestEngine();
    const session = await opener.session("idle-after-exit", { runtime: "python", idleTimeoutMs: 4000 });
    const result = await session.execute({ code: "open('state', 'w').write('kept')\nprint('ran')" });
    expect(result.stdout).toBe("ran\n");
    session.detach();
    await opener.close();

    // Within its idle time another engine finds it, files and all, and using it moves the deadline on.
    expect((await later.listSessions()).map((info) => info.name)).toEqual(["idle-after-exit"]);
    const again = await later.session("idle-after-exit", { runtime: "python", idleTimeoutMs: 4000 });
    expect((await again.execute({ code: "print(open('state').read())" })).stdout).toBe("kept\n");
    again.detach();
    await later.close();

    // Past it, whoever lists sessions next removes the pod.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const third = buildTestEngine();
    try {
      expect(await third.listSessions()).toEqual([]);
      expect(await sessionPods()).toEqual([]);
    } finally {
      await third.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { createBuildLeftoverTracker } from "./build-leftovers.js";

// Output of the classic builder for a build whose last step fails (docker 20.10), one line per entry.
const failedBuild = [
  "Step 1/6 : FROM isol8:base",
  " ---> 32a6fe807340",
  "Step 2/6 : USER root",
  " ---> Using cache",
  " ---> 0d0849165f97",
  "Step 3/6 : RUN echo broken > /etc/isol8-shell-build",
  " ---> Running in d028368af9b7",
  "Removing intermediate container d028368af9b7",
  " ---> baad8282a779",
  "Step 4/6 : COPY isol8-apt-install /usr/local/bin/isol8-apt-install",
  " ---> 5e3bfbe1fa38",
  "Step 5/6 : RUN exit 3",
  " ---> Running in 3a81a57272c9",
  "Removing intermediate container 3a81a57272c9",
  "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
];

describe("createBuildLeftoverTracker", () => {
  it("collects the images a build committed, not cached steps nor the FROM image", () => {
    const tracker = createBuildLeftoverTracker();
    for (const line of failedBuild) tracker.line(line);
    expect(tracker.created()).toEqual(["baad8282a779", "5e3bfbe1fa38"]);
  });

  it("treats each stage's FROM alike in a multi-stage build", () => {
    const tracker = createBuildLeftoverTracker();
    for (const line of [
      "Step 1/4 : FROM debian:bookworm-slim AS agent",
      " ---> 32a6fe807340",
      "Step 2/4 : RUN gcc -o /agent agent.c",
      " ---> Running in 1111aaaa2222",
      " ---> 4b9f1ad50682",
      "Step 3/4 : FROM debian:bookworm-slim",
      " ---> 32a6fe807340",
    ]) {
      tracker.line(line);
    }
    expect(tracker.created()).toEqual(["4b9f1ad50682"]);
  });
});

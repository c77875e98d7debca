import { customImageTag } from "@isol8/core";
import python from "@isol8/runtime-python";
import { describe, expect, it } from "vitest";
import { chooseImage } from "./images.js";

const runtime = python();

describe("chooseImage", () => {
  it("names images as the Docker engine does, with the registry in front when there is one", () => {
    expect(chooseImage({ repository: "isol8" }, runtime, { image: undefined, install: [] })).toEqual({
      image: "isol8:python",
      match: "runtime",
    });
    expect(
      chooseImage({ repository: "isol8", registry: "registry.example.com/team/" }, runtime, {
        image: undefined,
        install: [],
      }).image,
    ).toBe("registry.example.com/team/isol8:python");
  });

  it("runs packages in the custom image baked for exactly them", () => {
    const chosen = chooseImage({ repository: "isol8" }, runtime, {
      image: undefined,
      install: ["six", "numpy"],
    });
    expect(chosen).toEqual({ image: customImageTag("isol8", "python", ["numpy", "six"]), match: "exact" });
    expect(chosen.image).toMatch(/^isol8:python-custom-[0-9a-f]{12}$/);
  });

  it("takes an explicit image as it is", () => {
    expect(
      chooseImage({ repository: "isol8", registry: "r" }, runtime, { image: "mine:1", install: [] }),
    ).toEqual({
      image: "mine:1",
      match: "explicit",
    });
  });
});

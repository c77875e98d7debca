import { describe, expect, it } from "vitest";
import { type CustomImageCandidate, chooseCustomImage } from "./choose-image.js";

const image = (tag: string, baked: string[], createdAt = 0): CustomImageCandidate => ({
  tag,
  baked,
  createdAt,
});

describe("chooseCustomImage", () => {
  const images = [
    image("numpy-pandas-six", ["numpy", "pandas", "six"]),
    image("numpy-pandas", ["numpy", "pandas"]),
    image("numpy", ["numpy"]),
    image("requests", ["requests"]),
  ];

  it("takes the exact match", () => {
    expect(chooseCustomImage(["numpy", "pandas"], images)).toEqual({
      tag: "numpy-pandas",
      missing: [],
      match: "exact",
    });
  });

  it("else the smallest superset", () => {
    expect(chooseCustomImage(["pandas"], images)).toEqual({
      tag: "numpy-pandas",
      missing: [],
      match: "superset",
    });
    expect(chooseCustomImage(["six"], images)).toEqual({
      tag: "numpy-pandas-six",
      missing: [],
      match: "superset",
    });
  });

  it("else the largest subset, with the rest left to install", () => {
    expect(chooseCustomImage(["numpy", "pandas", "scipy"], images)).toEqual({
      tag: "numpy-pandas",
      missing: ["scipy"],
      match: "partial",
    });
    expect(chooseCustomImage(["numpy", "requests", "scipy"], images)?.missing).toHaveLength(2);
  });

  it("never picks a partial match that carries unrequested packages", () => {
    expect(chooseCustomImage(["six", "scipy"], images)).toBeUndefined();
  });

  it("prefers the newest of equally good images", () => {
    const twins = [image("old", ["numpy"], 1), image("new", ["numpy"], 2)];
    expect(chooseCustomImage(["numpy"], twins)?.tag).toBe("new");
    expect(chooseCustomImage(["numpy", "six"], twins)).toEqual({
      tag: "new",
      missing: ["six"],
      match: "partial",
    });
  });

  it("chooses nothing for no packages or no candidates", () => {
    expect(chooseCustomImage([], images)).toBeUndefined();
    expect(chooseCustomImage(["numpy"], [])).toBeUndefined();
    expect(chooseCustomImage(["numpy"], [image("empty", [])])).toBeUndefined();
  });
});

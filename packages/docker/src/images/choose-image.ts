/** A custom image that may serve a run: its tag, the packages baked into it, and when it was built. */
export interface CustomImageCandidate {
  tag: string;
  /** Normalised package list of the image's org.isol8.dependencies label. */
  baked: readonly string[];
  /** Milliseconds since the epoch; breaks ties in favour of the newest build. */
  createdAt: number;
}

/** The custom image chosen for a run, and the packages it lacks. */
export interface CustomImageChoice {
  tag: string;
  missing: string[];
  /** Exactly the packages, more than them, or some of them (the rest installed). */
  match: "exact" | "superset" | "partial";
}

/**
 * Chooses among custom images for a normalised package list: an image holding them all (an exact match first, else
 * the smallest superset, so that the fewest unrequested packages ride along), else the image holding the most of
 * them and nothing else (the rest installed at run time), else none. An image with packages outside the request
 * never serves a partial match: nobody asked for them.
 */
export function chooseCustomImage(
  wanted: readonly string[],
  candidates: readonly CustomImageCandidate[],
): CustomImageChoice | undefined {
  if (wanted.length === 0) return undefined;
  const newestFirst = (a: CustomImageCandidate, b: CustomImageCandidate) => b.createdAt - a.createdAt;
  const covering = candidates
    .filter(({ baked }) => wanted.every((name) => baked.includes(name)))
    .sort((a, b) => a.baked.length - b.baked.length || newestFirst(a, b))[0];
  if (covering) {
    return {
      tag: covering.tag,
      missing: [],
      match: covering.baked.length === wanted.length ? "exact" : "superset",
    };
  }
  const partial = candidates
    .filter(({ baked }) => baked.length > 0 && baked.every((name) => wanted.includes(name)))
    .sort((a, b) => b.baked.length - a.baked.length || newestFirst(a, b))[0];
  if (partial) {
    return {
      tag: partial.tag,
      missing: wanted.filter((name) => !partial.baked.includes(name)),
      match: "partial",
    };
  }
  return undefined;
}

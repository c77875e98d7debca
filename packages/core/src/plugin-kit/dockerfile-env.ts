/**
 * An `ENV` instruction setting every variable, values JSON-quoted so spaces and quotes survive. Runtime fragments
 * bake their environment into the image too, so that a custom image's `RUN` (bake) sees it.
 */
export function envInstruction(env: Record<string, string>): string {
  const pairs = Object.entries(env).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `ENV ${pairs.join(" \\\n    ")}`;
}

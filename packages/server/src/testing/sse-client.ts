/** One parsed Server-Sent Event, or a comment line. */
export type SseItem =
  | { kind: "event"; id: string; event: string; data: unknown }
  | { kind: "comment"; text: string };

/** Reads a whole SSE body and parses it frame by frame (tests only: it buffers everything). */
export function parseSse(text: string): SseItem[] {
  const items: SseItem[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame.trim() === "") continue;
    if (frame.startsWith(":")) {
      items.push({ kind: "comment", text: frame.slice(1).trim() });
      continue;
    }
    const fields = new Map<string, string>();
    for (const line of frame.split("\n")) {
      const colon = line.indexOf(":");
      fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
    }
    items.push({
      kind: "event",
      id: fields.get("id") ?? "",
      event: fields.get("event") ?? "message",
      data: JSON.parse(fields.get("data") ?? "null"),
    });
  }
  return items;
}

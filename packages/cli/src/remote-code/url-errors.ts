import { Isol8Error } from "@isol8/core";

/** The URL as shown in messages: without a user name or password it may carry. */
export function displayUrl(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const shown = new URL(url.href);
  shown.username = "";
  shown.password = "";
  return shown.href;
}

/** Where a hop came from, for messages: "https://a/x.py" or "https://b/x.py (redirected from https://a/x.py)". */
export interface Hop {
  url: URL;
  from: URL | undefined;
}

function where(hop: Hop): string {
  return hop.from ? `${displayUrl(hop.url)} (redirected from ${displayUrl(hop.from)})` : displayUrl(hop.url);
}

/** isol8 will not fetch this, or will not use what it served (`URL_REFUSED`). */
export function refused(hop: Hop, reason: string, hint: string): Isol8Error {
  return new Isol8Error("URL_REFUSED", `Refused ${where(hop)}: ${reason}`, { hint });
}

/** The fetch itself failed (`URL_FETCH_FAILED`). */
export function fetchFailed(hop: Hop, reason: string, hint: string, cause?: unknown): Isol8Error {
  return new Isol8Error("URL_FETCH_FAILED", `Cannot fetch ${where(hop)}: ${reason}`, {
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

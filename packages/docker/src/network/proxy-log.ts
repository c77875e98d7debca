import type { NetworkLogEntry, NetworkRefusal } from "@isol8/core";
import { LOG_TAG, REFUSAL_PAGES } from "@isol8/core";

/** One line of the proxy's access log: a request, who made it and when it started. */
export interface ProxyLogRecord {
  /** Start of the request, in milliseconds since the epoch (Squid's master-transaction start). */
  startedAt: number;
  /** The client's address on the internal network: which sandbox made the request. */
  client: string;
  entry: NetworkLogEntry;
}

const REASONS = new Map<string, NetworkRefusal>(
  Object.entries(REFUSAL_PAGES).map(([reason, page]) => [page, reason as NetworkRefusal]),
);

/** Parses a line in the `isol8` log format of squid-config.ts; anything else (or a damaged line) gives undefined. */
export function parseProxyLogLine(line: string): ProxyLogRecord | undefined {
  const fields = line.trimEnd().split("\t");
  if (fields.length !== 10 || fields[0] !== LOG_TAG) return undefined;
  const [, start, client, method, host, port, status, duration, squidStatus, page] = fields as [
    string,
    ...string[],
  ];
  const startedAt = Math.round(Number(start) * 1000);
  if (!Number.isFinite(startedAt) || !client || !method || !host || !squidStatus) return undefined;
  const allowed = !squidStatus.startsWith("TCP_DENIED");
  const reason = allowed || page === undefined ? undefined : REASONS.get(page);
  const code = Number(status);
  const entry: NetworkLogEntry = {
    host,
    port: Number(port) || 0,
    method,
    allowed,
    ...(reason ? { reason } : {}),
    ...(code >= 100 && code <= 599 ? { status: code } : {}),
    durationMs: Number(duration) || 0,
  };
  return { startedAt, client, entry };
}

/**
 * The requests of one sandbox: from its address, started inside the window in which it held that address (an
 * address is reused once its sandbox is gone, so the window is what keeps neighbours' requests out). In the order
 * they started: Squid writes a line when a request ends.
 */
export function requestsOf(
  lines: readonly string[],
  client: string,
  window: { from: number; to: number },
): NetworkLogEntry[] {
  return lines
    .map(parseProxyLogLine)
    .filter(
      (record): record is ProxyLogRecord =>
        record !== undefined &&
        record.client === client &&
        record.startedAt >= window.from &&
        record.startedAt <= window.to,
    )
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((record) => record.entry);
}

/** Splits the engine's multiplexed log stream (no TTY: 8-byte frame headers) into stdout and stderr text. */
export function demuxLogs(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    (stream === 2 ? err : out).push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

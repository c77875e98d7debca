import { Isol8Error } from "./errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a size such as "512m", "1g", "64MiB" or a plain byte count into bytes (binary units, as Docker does).
 * `what` names the option in the error ("--memory").
 */
export function parseSize(input: string | number, what: string): number {
  if (typeof input === "number") {
    if (Number.isInteger(input) && input > 0) return input;
    throw invalid(what, String(input), 'a size such as "512m", "1g" or a byte count');
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  const unit = match?.[2]?.toLowerCase() ?? "";
  const factor = UNITS[unit];
  if (!match || factor === undefined) {
    throw invalid(what, input, 'a size such as "512m", "1g" or a byte count');
  }
  const bytes = Math.round(Number(match[1]) * factor);
  if (bytes <= 0) throw invalid(what, input, "a size greater than zero");
  return bytes;
}

/** Parses a duration: "30s", "500ms", "2m", or a plain number of milliseconds. */
export function parseDuration(input: string | number, what: string): number {
  if (typeof input === "number") {
    if (Number.isFinite(input) && input > 0) return Math.round(input);
    throw invalid(what, String(input), 'a duration such as "30s", "500ms" or milliseconds');
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(input);
  if (!match) throw invalid(what, input, 'a duration such as "30s", "500ms" or milliseconds');
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "ms").toLowerCase() as "ms"];
  const ms = Math.round(Number(match[1]) * factor);
  if (ms <= 0) throw invalid(what, input, "a duration greater than zero");
  return ms;
}

/** Parses a CPU count such as "1", "0.5" or "2". */
export function parseCpus(input: string | number, what: string): number {
  const value = typeof input === "number" ? input : Number(input);
  if (!Number.isFinite(value) || value <= 0 || value > 1024 || String(input).trim() === "") {
    throw invalid(what, String(input), 'a CPU count such as "1" or "0.5"');
  }
  return value;
}

/** Parses a positive integer such as a PID limit. */
export function parsePositiveInt(input: string | number, what: string): number {
  const value = typeof input === "number" ? input : Number(input);
  if (!Number.isInteger(value) || value <= 0 || String(input).trim() === "") {
    throw invalid(what, String(input), "a whole number greater than zero");
  }
  return value;
}

function invalid(what: string, value: string, expected: string): Isol8Error {
  return new Isol8Error("INVALID_INPUT", `${what} "${value}" is not valid: expected ${expected}`);
}

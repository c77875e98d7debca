import type { Summary } from "./stats.js";

export interface Row {
  name: string;
  summary: Summary;
  note?: string;
}

export interface Target {
  name: string;
  value: number;
  /** "≤ 30" or "≥ 15". */
  goal: string;
  pass: boolean;
}

export function atMost(name: string, value: number, limit: number, extra = true): Target {
  return { name, value, goal: `≤ ${limit}`, pass: extra && value <= limit };
}

export function atLeast(name: string, value: number, limit: number, extra = true): Target {
  return { name, value, goal: `≥ ${limit}`, pass: extra && value >= limit };
}

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "-").padStart(9);

/** Measurements as a table: median, p95, sample size. */
export function formatRows(rows: readonly Row[]): string {
  const width = Math.max(...rows.map((row) => row.name.length), 10) + 2;
  const lines = [`${pad("measurement (ms)", width)}   median       p95    n  note`];
  for (const row of rows) {
    lines.push(
      `${pad(row.name, width)}${num(row.summary.median)} ${num(row.summary.p95)} ${String(row.summary.n).padStart(4)}  ${row.note ?? ""}`,
    );
  }
  return lines.join("\n");
}

export function formatTargets(targets: readonly Target[]): string {
  const width = Math.max(...targets.map((target) => target.name.length)) + 2;
  return targets
    .map(
      (target) =>
        `${pad(target.name, width)}${String(target.value).padStart(8)}  ${pad(target.goal, 8)} ${target.pass ? "PASS" : "MISS"}`,
    )
    .join("\n");
}

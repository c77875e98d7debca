// Prints one closing line over every vitest JSON report given: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    failed += 1;
    console.log(`${file}: no report (the run did not finish)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that failed before any test ran (an import error, a failing hook) counts as one failure.
  for (const file of report.testResults ?? []) {
    const anyFailedTest = (file.assertionResults ?? []).some((test) => test.status === "failed");
    if (file.status === "failed" && !anyFailedTest) failed += 1;
  }
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

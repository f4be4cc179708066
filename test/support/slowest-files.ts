/**
 * A Vitest reporter that prints the slowest test files after the run (beside the default reporter), so that
 * the suite's time stays visible and a file that grows slow is noticed when it happens.
 */
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 8;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}

export class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = testModules.map((module) => {
      const d = module.diagnostic();
      // Everything the file cost its worker: environment, harness, setup files, import/collect, tests and hooks.
      const total =
        d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration;
      return { file: module.relativeModuleId, project: module.project.name, total, tests: d.duration };
    });
    if (rows.length === 0) return;
    rows.sort((a, b) => b.total - a.total);
    const lines = rows
      .slice(0, SHOWN)
      .map((r) => `  ${seconds(r.total)}  (tests ${seconds(r.tests).trim()})  ${r.file}  [${r.project}]`);
    process.stdout.write(`\n Slowest test files (of ${rows.length}):\n${lines.join("\n")}\n\n`);
  }
}

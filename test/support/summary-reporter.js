/**
 * Prints one plain line at the very end of a run, "jest: N passed, N failed[, N skipped]", which CI reads
 * as the run's result. Test files that failed to run at all count as failures.
 */
class SummaryReporter {
  constructor(globalConfig) {
    // With --json, stdout belongs to the JSON report (tests parse it), so the line goes to stderr.
    this.out = globalConfig && globalConfig.json ? process.stderr : process.stdout;
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    // Jest's own summary reporter always runs after custom ones, so wait for the very end.
    process.once('exit', () => this.out.write(`\n${line}\n`));
  }
}

module.exports = SummaryReporter;

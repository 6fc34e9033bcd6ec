'use strict';
// Reads a Jest --json report and fails unless tests really ran: at least one
// passed, none failed, no suite crashed, and every --require'd test passed (not
// skipped). Prints the skipped tests with their reasons. Usage:
//   node check-results.js LABEL REPORT.json [--require "title part"]...
const fs = require('fs');

const [label, file, ...rest] = process.argv.slice(2);
const required = [];
for (let i = 0; i < rest.length; i += 2) if (rest[i] === '--require') required.push(rest[i + 1]);

function fail(message) {
  console.error(`[${label}] FAIL: ${message}`);
  process.exit(1);
}

let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  fail(`no Jest report at ${file} (${e.message}): the runner did not finish`);
}
const tests = report.testResults.flatMap((suite) =>
  suite.assertionResults.map((t) => ({ name: t.fullName, status: t.status })));
const count = (status) => tests.filter((t) => t.status === status).length;
const summary = { passed: count('passed'), failed: count('failed'), skipped: count('pending') + count('skipped') };
const crashed = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);

for (const t of tests.filter((x) => x.status === 'pending' || x.status === 'skipped')) {
  console.log(`[${label}] skipped: ${t.name}`);
}
console.log(`[${label}] ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
fs.writeFileSync(`${file}.summary`, JSON.stringify(summary));

if (crashed.length) fail(`suites failed to run: ${crashed.map((s) => s.name).join(', ')}`);
if (summary.failed > 0 || report.numFailedTests > 0) fail(`${summary.failed} test(s) failed`);
if (summary.passed === 0) fail('no test passed: nothing ran');
for (const part of required) {
  const hits = tests.filter((t) => t.name.includes(part));
  if (!hits.length) fail(`required test "${part}" is missing`);
  const notPassed = hits.filter((t) => t.status !== 'passed');
  if (notPassed.length) fail(`required test "${part}" did not pass: ${notPassed.map((t) => `${t.name} (${t.status})`).join('; ')}`);
}

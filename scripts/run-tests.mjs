import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './bootstrap.mjs';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function step(title, command, args) {
  const started = Date.now();
  console.error(`\n=== ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: workspaceRoot, env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`=== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} (${seconds}s)`);
  return result.status === 0;
}

const failures = [];
if (!step('build or reuse the Go binaries', 'bash', ['packages/testenv/scripts/build-binaries.sh'])) {
  failures.push('binaries');
}
if (!step('typecheck', 'tsc', ['-p', 'tsconfig.json'])) failures.push('typecheck');
if (!step('lint', 'nx', ['run-many', '-t', 'lint', '--outputStyle=static'])) failures.push('lint');

const reportFolder = mkdtempSync(join(tmpdir(), 'capi-ck8s-jest-'));
const report = join(reportFolder, 'report.json');
const jestPassed = step('jest (all projects)', process.execPath, [
  '--experimental-vm-modules',
  'node_modules/jest/bin/jest.js',
  '--ci',
  '--json',
  `--outputFile=${report}`,
  ...process.argv.slice(2),
]);
if (!jestPassed) failures.push('jest');

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  // A suite that fails to load counts as a failure even though no test inside it ran.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed += 1;
}
rmSync(reportFolder, { recursive: true, force: true });

if (failures.length > 0) console.error(`\nfailed steps: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length === 0 && failed === 0 && passed > 0 ? 0 : 1);

// `npm run demo`: installs what is missing (workspace, Debian tools, the pinned binaries), then runs the demo program
// (e2e/demo/main.ts) under the pinned Node with tsx. Options go through: `npm run demo -- --keep`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureSystemTools, ensureWorkspaceInstalled, handOver, workspaceRoot } from './bootstrap.mjs';

ensureWorkspaceInstalled();
ensureSystemTools();
const binaries = spawnSync('bash', [join(workspaceRoot, 'packages', 'testenv', 'scripts', 'build-binaries.sh')], {
  stdio: 'inherit',
  cwd: workspaceRoot,
});
if (binaries.status !== 0) {
  console.error('[demo] building the pinned binaries failed; see above (it needs Go and the Go module proxy)');
  process.exit(1);
}
// Ctrl-C reaches the demo too (same process group); it stops everything and exits, and so do we with its status.
process.on('SIGINT', () => undefined);
handOver(join(workspaceRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), [join(workspaceRoot, 'e2e', 'demo', 'main.ts'), ...process.argv.slice(2)]);

// Runs on whatever `node` the machine has (Node 20 on a fresh machine): installs the workspace with npm if needed,
// which brings the pinned Node 24 through the `node` package, then hands over to that Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const pinnedNode = join(workspaceRoot, 'node_modules', '.bin', 'node');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: workspaceRoot, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function ensureWorkspaceInstalled() {
  if (existsSync(pinnedNode) && existsSync(join(workspaceRoot, 'node_modules', '.package-lock.json'))) return;
  console.error('[bootstrap] installing the workspace (npm ci) ...');
  if (run('npm', ['ci']) !== 0) {
    console.error('[bootstrap] npm ci failed; see above');
    process.exit(1);
  }
}

export function ensureSystemTools() {
  if (run('bash', [join(workspaceRoot, 'scripts', 'setup-system.sh')]) !== 0) process.exit(1);
}

/** Re-runs a script under the pinned Node with node_modules/.bin first on PATH, and exits with its status. */
export function handOver(script, args) {
  const env = { ...process.env, PATH: `${join(workspaceRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  process.exit(run(pinnedNode, [script, ...args], { env }));
}

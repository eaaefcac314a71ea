// Starts one shared management environment per jest run, in its own process, for every project whose
// jest.config.mjs sets needsEnvironment. Later projects in the same run find it already started.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATE_VARIABLE = 'CAPI_CK8S_TESTENV_STATE';
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// A cold machine compiles the Go binaries first (about ten minutes on two cores).
const START_TIMEOUT_MS = 25 * 60 * 1000;

export default async function startSharedEnvironment() {
  if (process.env[STATE_VARIABLE]) return;
  const folder = mkdtempSync(join(tmpdir(), 'capi-ck8s-shared-env-'));
  const stateFile = join(folder, 'state.json');
  const log = openSync(join(folder, 'serve.log'), 'a');
  // process.execPath is the pinned Node that runs jest, whatever `node` the PATH would find.
  const host = spawn(
    process.execPath,
    ['--import', 'tsx', join(workspaceRoot, 'packages', 'testenv', 'src', 'cli.ts'), 'serve', '--state', stateFile, '--owner', String(process.pid)],
    { stdio: ['ignore', log, 'inherit'], cwd: workspaceRoot },
  );
  let exit;
  host.once('exit', (code) => (exit = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(stateFile)) {
    if (exit !== undefined) throw new Error(`the shared test environment failed to start (exit ${exit}); see ${folder}`);
    if (Date.now() > deadline) {
      host.kill('SIGKILL');
      throw new Error(`the shared test environment did not start within ${START_TIMEOUT_MS / 60000} minutes`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  process.env[STATE_VARIABLE] = stateFile;
  globalThis.capiCk8sSharedEnvironment = { host, folder };
}

import { once } from 'node:events';
import { rmSync } from 'node:fs';

export default async function stopSharedEnvironment() {
  const shared = globalThis.capiCk8sSharedEnvironment;
  if (!shared) return;
  globalThis.capiCk8sSharedEnvironment = undefined;
  delete process.env.CAPI_CK8S_TESTENV_STATE;
  if (shared.host.exitCode === null) {
    const exited = once(shared.host, 'exit');
    shared.host.kill('SIGTERM');
    await exited;
  }
  rmSync(shared.folder, { recursive: true, force: true });
}

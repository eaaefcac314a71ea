// The demo program end to end, smaller than `npm run demo` (1 control plane + 1 worker): its own management plane,
// both providers from their bundles, the simulated machines, a Ready cluster, then everything stopped.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binaryPath } from '@capi-ck8s/testenv';
import { runDemo } from './demo';

const run = promisify(execFile);
const folder = mkdtempSync(join(tmpdir(), 'capi-ck8s-demo-test-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function demoWorkFolders(): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith('capi-ck8s-demo-') && !entry.startsWith('capi-ck8s-demo-test-'));
}

describe('the demo program', () => {
  it('brings a 1 control plane + 1 worker cluster to Ready, lists its Nodes with kubectl, and stops everything', async () => {
    const foldersBefore = demoWorkFolders();
    const lines: string[] = [];
    const kubeconfigPath = join(folder, 'kubeconfig');
    const result = await runDemo({
      clusterName: 'demo-test',
      namespace: 'default',
      kubernetesVersion: 'v1.33.2',
      shape: { controlPlanes: 1, workers: 1 },
      kubeconfigPath,
      timeoutMs: 240_000,
      output: { write: (text: string) => lines.push(text) },
    });

    const nodeRows = result.nodes.trim().split('\n').slice(1);
    expect(nodeRows).toHaveLength(2);
    expect(nodeRows.filter((row) => /^demo-test-control-plane-\S+\s+Ready\s+control-plane\s/.test(row))).toHaveLength(1);
    expect(nodeRows.filter((row) => /^demo-test-md-0-\S+\s+Ready\s+<none>\s/.test(row))).toHaveLength(1);
    const output = lines.join('');
    expect(output).toMatch(/Cluster demo-test Ready in \d+\.\d s/);
    expect(output).toContain('Workers MachineDeployment/demo-test-md-0  1/1 ready  Available');

    // Stopped: the workload API server behind the written kubeconfig no longer answers, and no work folder is left.
    await expect(run(binaryPath('kubectl'), [`--kubeconfig=${kubeconfigPath}`, '--request-timeout=5s', 'get', 'nodes'])).rejects.toThrow();
    expect(demoWorkFolders()).toEqual(foldersBefore);
  }, 420_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, binaryPath, freeLoopbackPort, waitFor } from '@capi-ck8s/testenv';

/**
 * The shared environment's kube-controller-manager runs only garbage collection and namespace deletion. Installing a
 * chart also needs ClusterRole aggregation (how the charts grant infrastructure access and how CAPI core gets access
 * to our kinds) and the Deployment and ReplicaSet controllers (which prove the pod template is admitted), so this
 * test file runs a second, real kube-controller-manager with just those controllers.
 */
export async function startChartControllers(kubeconfigPath: string): Promise<ManagedProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'capi-ck8s-charts-kcm-'));
  const controllers = new ManagedProcess({
    name: 'kube-controller-manager (charts)',
    command: binaryPath('kube-controller-manager'),
    args: [
      `--kubeconfig=${kubeconfigPath}`,
      '--controllers=clusterrole-aggregation,deployment,replicaset',
      '--leader-elect=false',
      '--use-service-account-credentials=false',
      `--secure-port=${await freeLoopbackPort()}`,
      '--bind-address=127.0.0.1',
      `--cert-dir=${join(folder, 'certs')}`,
      '--v=1',
    ],
    logFile: join(folder, 'kube-controller-manager.log'),
  });
  controllers.start();
  try {
    await waitFor(
      'the charts kube-controller-manager to sync its three controllers',
      () => {
        if (!controllers.isRunning()) throw new Error(`kube-controller-manager exited:\n${controllers.logTail()}`);
        return controllers.logTail(400).split('Caches are synced').length > 3 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, explain: () => controllers.logTail() },
    );
  } catch (error) {
    await controllers.stop();
    throw error;
  }
  return controllers;
}

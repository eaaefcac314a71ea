import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { binaryPath, ensureBinaries, pinnedVersions } from './binaries';
import type { TestControlPlane } from './control-plane';
import { readManifests } from './manifests';
import { freeLoopbackPort } from './ports';
import { ManagedProcess, waitFor } from './processes';

const here = new URL('.', import.meta.url).pathname;

/** Where the Go module cache keeps the Cluster API module, whose CRDs and webhook manifests we install as-is. */
export function clusterApiModuleFolder(): string {
  const output = execFileSync('go', ['mod', 'download', '-json', `sigs.k8s.io/cluster-api@${pinnedVersions.clusterApi}`], {
    cwd: join(here, '..', 'go', 'capi'),
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
  });
  const { Dir } = JSON.parse(output) as { Dir: string };
  return Dir;
}

export interface ClusterApiCore {
  version: string;
  webhookUrl: string;
  processId(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Runs the real Cluster API core controller manager against a test control plane: its CRDs (conversion pointed at
 * the manager) and webhook configurations come from the Go module itself, served by the manager on loopback with a
 * serving certificate generated here.
 */
export async function startClusterApiCore(controlPlane: TestControlPlane): Promise<ClusterApiCore> {
  ensureBinaries(['cluster-api']);
  const moduleFolder = clusterApiModuleFolder();
  const folder = join(controlPlane.folder, 'cluster-api');
  const certFolder = join(folder, 'webhook-certs');
  mkdirSync(certFolder, { recursive: true });
  const ca = await createCertificateAuthority({ commonName: 'cluster-api-webhook-ca' });
  const serving = await issueCertificate({
    issuer: ca,
    commonName: 'capi-webhook-service',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usages: ['serverAuth'],
  });
  writeFileSync(join(certFolder, 'tls.crt'), serving.certPem);
  writeFileSync(join(certFolder, 'tls.key'), serving.keyPem, { mode: 0o600 });

  const webhookPort = await freeLoopbackPort();
  const healthPort = await freeLoopbackPort();
  const diagnosticsPort = await freeLoopbackPort();
  const webhookUrl = `https://127.0.0.1:${webhookPort}`;
  const target = { url: webhookUrl, caBundlePem: ca.certPem };

  await controlPlane.installCrds([join(moduleFolder, 'config', 'crd', 'bases')], { conversionWebhook: target });
  await controlPlane.registerWebhooks(readManifests(join(moduleFolder, 'config', 'webhook', 'manifests.yaml')), target);

  const manager = new ManagedProcess({
    name: 'cluster-api',
    command: binaryPath('cluster-api'),
    args: [
      `--kubeconfig=${controlPlane.kubeconfigPath}`,
      `--webhook-port=${webhookPort}`,
      `--webhook-cert-dir=${certFolder}`,
      `--health-addr=127.0.0.1:${healthPort}`,
      `--diagnostics-address=127.0.0.1:${diagnosticsPort}`,
      '--insecure-diagnostics',
      '--leader-elect=false',
      '--feature-gates=MachinePool=true,ClusterTopology=true',
      '--sync-period=1m',
      '--v=2',
    ],
    env: { ...process.env, POD_NAMESPACE: 'capi-system', POD_NAME: 'capi-controller-manager' },
    logFile: join(folder, 'manager.log'),
  });
  manager.start();
  await waitFor(
    'the Cluster API manager to become ready',
    async () => {
      if (!manager.isRunning()) throw new Error(`the Cluster API manager exited:\n${manager.logTail()}`);
      const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      return response.ok ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250, explain: () => manager.logTail() },
  );
  return {
    version: pinnedVersions.clusterApi,
    webhookUrl,
    processId: () => manager.pid,
    stop: () => manager.stop(),
  };
}

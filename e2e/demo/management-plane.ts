// The demo's embedded management plane: the test environment (real etcd, kube-apiserver, kube-controller-manager and
// Cluster API core), both providers as processes from their production bundles with the CRDs and webhook
// configurations of their Helm charts (webhooks pointed at the local processes), and the SIMULATED infrastructure
// provider in this process.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import {
  binaryPath,
  freeLoopbackPort,
  ManagedProcess,
  readManifests,
  startEnvironment,
  type TestEnvironment,
  waitFor,
} from '@capi-ck8s/testenv';
import { installSimCrds, type SimInfrastructureProvider, startSimInfrastructureProvider } from '../sim';

const run = promisify(execFile);
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type ProviderName = 'bootstrap-provider' | 'controlplane-provider';

const providerNamespaces: Record<ProviderName, string> = {
  'bootstrap-provider': 'cabpck-system',
  'controlplane-provider': 'cacpck-system',
};

const WEBHOOK_CONFIGURATION_KINDS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);

export interface ManagementPlane {
  environment: TestEnvironment;
  stop(): Promise<void>;
}

/** The chart's CRDs and webhook configurations, rendered by Helm as an installation would. */
async function chartManifests(chart: ProviderName, workFolder: string) {
  const { stdout } = await run(
    binaryPath('helm'),
    ['template', chart, join(workspaceRoot, 'charts', chart), '--namespace', providerNamespaces[chart], '--include-crds'],
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: workFolder } },
  );
  const rendered = join(workFolder, `${chart}.yaml`);
  writeFileSync(rendered, stdout);
  const manifests = readManifests(rendered);
  return {
    crds: manifests.filter((manifest) => manifest.kind === 'CustomResourceDefinition'),
    webhookConfigurations: manifests.filter((manifest) => WEBHOOK_CONFIGURATION_KINDS.has(manifest.kind)),
  };
}

/** Builds the provider's production bundle (dist/main.js, as its Dockerfile does) into the work folder. */
async function bundleProvider(provider: ProviderName, workFolder: string): Promise<string> {
  const outfile = join(workFolder, provider, 'main.js');
  await run(process.execPath, [join(workspaceRoot, 'apps', provider, 'scripts', 'bundle.mjs'), outfile]);
  return outfile;
}

async function startProvider(provider: ProviderName, environment: TestEnvironment, workFolder: string): Promise<ManagedProcess> {
  const [bundle, manifests, ca] = await Promise.all([
    bundleProvider(provider, workFolder),
    chartManifests(provider, workFolder),
    createCertificateAuthority({ commonName: `${provider}-webhook-ca` }),
  ]);
  const serving = await issueCertificate({ issuer: ca, commonName: `${provider}-webhook`, ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  const certificateFolder = dirname(bundle);
  writeFileSync(join(certificateFolder, 'tls.crt'), serving.certPem);
  writeFileSync(join(certificateFolder, 'tls.key'), serving.keyPem, { mode: 0o600 });
  await environment.controlPlane.installCrds(manifests.crds);

  const ports = { health: await freeLoopbackPort(), webhook: await freeLoopbackPort() };
  const managed = new ManagedProcess({
    name: provider,
    command: process.execPath,
    args: [
      bundle,
      `--kubeconfig=${environment.controlPlane.kubeconfigPath}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
      '--metrics-bind-address=0',
      `--webhook-port=${ports.webhook}`,
      `--webhook-cert-dir=${certificateFolder}`,
      '--webhook-cert-mode=cert-manager',
      '--log-level=info',
    ],
    env: { ...process.env, POD_NAMESPACE: providerNamespaces[provider] },
    logFile: join(workFolder, `${provider}.log`),
  });
  managed.start();
  try {
    await waitFor(
      `the ${provider} process to become ready`,
      async () => {
        if (!managed.isRunning()) throw new Error(`the ${provider} process exited:\n${managed.logTail()}`);
        return (await fetch(`http://127.0.0.1:${ports.health}/readyz`)).ok ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, explain: () => managed.logTail() },
    );
    await environment.controlPlane.registerWebhooks(manifests.webhookConfigurations, { url: `https://127.0.0.1:${ports.webhook}`, caBundlePem: ca.certPem });
  } catch (error) {
    await managed.stop();
    throw error;
  }
  return managed;
}

/** Starts everything; on failure, stops what had started before rethrowing. */
export async function startManagementPlane(workFolder: string, report: (step: string) => void): Promise<ManagementPlane> {
  report('starting the management cluster (etcd, kube-apiserver, kube-controller-manager, Cluster API core)');
  const environment = await startEnvironment({ name: 'demo-management' });
  const started: ManagedProcess[] = [];
  let simulator: SimInfrastructureProvider | undefined;
  try {
    report('starting the bootstrap and control plane providers from their bundles, and the simulated infrastructure provider');
    const kubeConfig = environment.controlPlane.kubeConfig();
    // Settled, not all: a provider that started must be stopped even when the other one failed.
    const results = await Promise.allSettled([
      startProvider('bootstrap-provider', environment, workFolder),
      startProvider('controlplane-provider', environment, workFolder),
    ]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    await installSimCrds(kubeConfig);
    simulator = await startSimInfrastructureProvider({ kubeConfig });
    const running = simulator;
    return {
      environment,
      async stop() {
        await Promise.all(started.map((provider) => provider.stop()));
        await running.stop();
        await environment.stop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((provider) => provider.stop()));
    await simulator?.stop();
    await environment.stop();
    throw error;
  }
}

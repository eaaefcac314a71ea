// The bundled dist/main.js as the container runs it: one process, real flags, against the shared environment.
import { execFile } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { kindRef, type KubeObject } from '@capi-ck8s/runtime';
import { createTestNamespace, freeLoopbackPort, ManagedProcess, sharedEnvironment, waitForProcessReady } from '@capi-ck8s/testenv';
import { kinds } from './kinds';
import { ClusterFixture, installAllCrds, testClient, WorkloadCluster } from './test-support/int-env';
import { registerProviderWebhooks, removeProviderWebhooks, servingCertificateDir } from './test-support/webhooks';

const run = promisify(execFile);
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const client = testClient(kubeConfig);
const folder = mkdtempSync(join(tmpdir(), 'cabpck-bundle-'));
let namespace: string;
let provider: ManagedProcess;
let workload: WorkloadCluster;
let webhookConfigurations = '';
let ports: { health: number; metrics: number; webhook: number };
let servingCa = '';

beforeAll(async () => {
  const bundled = join(folder, 'main.js');
  // The same script the Dockerfile runs.
  await run(process.execPath, [join(appRoot, 'scripts', 'bundle.mjs'), bundled]);
  const [created, started, certificates] = await Promise.all([
    createTestNamespace(kubeConfig, 'cabpck-bundle'),
    WorkloadCluster.start(),
    servingCertificateDir(),
    installAllCrds(kubeConfig),
  ]);
  namespace = created;
  workload = started;
  servingCa = certificates.caPem;
  ports = { health: await freeLoopbackPort(), metrics: await freeLoopbackPort(), webhook: await freeLoopbackPort() };
  provider = new ManagedProcess({
    name: 'bootstrap-provider',
    command: process.execPath,
    args: [
      bundled,
      `--kubeconfig=${env.kubeconfigPath}`,
      `--namespace=${namespace}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
      `--metrics-bind-address=127.0.0.1:${ports.metrics}`,
      `--webhook-port=${ports.webhook}`,
      `--webhook-cert-dir=${certificates.dir}`,
      '--webhook-cert-mode=cert-manager',
      '--leader-elect',
      '--leader-election-id=cabpck-bundle-test',
      '--k8sd-route=direct',
      '--k8sd-dial-timeout-duration=10s',
      '--log-level=info',
    ],
    env: { ...process.env, POD_NAMESPACE: 'default' },
    logFile: join(folder, 'provider.log'),
  });
  provider.start();
  await waitForProcessReady(provider, `http://127.0.0.1:${ports.health}/readyz`);
  webhookConfigurations = await registerProviderWebhooks(kubeConfig, namespace, `https://127.0.0.1:${ports.webhook}`, certificates.caPem);
}, 180_000);

afterAll(async () => {
  if (webhookConfigurations) await removeProviderWebhooks(client, webhookConfigurations);
  // Cluster-scoped, so not removed with the namespace.
  for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
    await client.delete(kindRef('rbac.authorization.k8s.io/v1', kind), { name: `${namespace}-metrics-reader` });
  }
  await provider?.stop();
  await workload?.stop();
});

function scrape(token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsGet(
      { host: '127.0.0.1', port: ports.metrics, path: '/metrics', ca: servingCa, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    request.on('error', reject);
  });
}

/** A ServiceAccount allowed to GET /metrics, and a token for it. */
async function metricsReaderToken(): Promise<string> {
  const name = `${namespace}-metrics-reader`;
  await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'scraper', namespace } });
  await client.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] } as KubeObject);
  await client.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace }],
  } as KubeObject);
  const review = await client.rest.request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/scraper/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
  });
  return review.status.token;
}

describe('the bundled provider process', () => {
  it('bootstraps an init node and a worker through its controller, and serves webhooks and secure metrics', async () => {
    await expect(
      client.create({ apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'CK8sConfig', metadata: { name: 'bad', namespace }, spec: { version: 'latest' } }),
    ).rejects.toThrow('spec.version: Invalid value: "latest"');

    const fixture = new ClusterFixture(client, namespace, 'bundled');
    await fixture.create();
    await fixture.createTokenSecret();
    await fixture.provisionInfrastructure();
    const spec = { controlPlane: { microclusterPort: workload.port } };
    await fixture.createMachine('bundled-cp-0', { controlPlane: true, spec });
    await fixture.createMachine('bundled-worker-0', { controlPlane: false, spec });
    await fixture.waitForData('bundled-cp-0', 30_000);

    await workload.bootstrapFirstNode('bundled', fixture.authToken, 'bundled-cp-0', (await fixture.nodeToken('bundled-cp-0')) ?? '');
    await fixture.initializeControlPlane(workload.kubeconfigText());
    await fixture.waitForData('bundled-worker-0', 30_000);
    expect((await fixture.waitForDataInStatus('bundled-worker-0')).status).toMatchObject({ ready: true, dataSecretName: 'bundled-worker-0' });

    const lease = await client.get(kinds.lease, { namespace: 'default', name: 'cabpck-bundle-test' });
    expect(lease.spec?.holderIdentity).toBeTruthy();
    // Metrics: HTTPS with the webhook certificate; anonymous scrapes refused, a bound ServiceAccount's allowed.
    expect((await scrape()).status).toBe(401);
    const metrics = await scrape(await metricsReaderToken());
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/controller_runtime_reconcile_total\{controller="ck8sconfig",result="success"\} [1-9]/);
  });

  it('drains and exits on SIGTERM', async () => {
    await provider.stop('SIGTERM');
    expect(provider.isRunning()).toBe(false);
    expect(provider.logTail(5)).toContain('manager stopped');
  });
});

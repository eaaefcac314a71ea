// The chart's RBAC proven by use: `helm install` of charts/bootstrap-provider into the shared environment, then the
// bundled dist/main.js run with the arguments of the chart's Deployment and as the chart's ServiceAccount
// (impersonation), through a whole bootstrap, certificate expiry and an in-place upgrade. Any permission the chart
// lacks shows up as a forbidden request in the provider's log, which is what this file exists to catch.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { impersonatingKubeconfig, installChart, leaderElectionId, providerObjectNames, serviceAccountUser, uninstallChart } from '@capi-ck8s/charts';
import { annotations } from '@capi-ck8s/api';
import { kindRef, type KubeObject } from '@capi-ck8s/runtime';
import { createTestNamespace, deleteTestNamespace, freeLoopbackPort, ManagedProcess, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';
import { KubeConfig } from '@kubernetes/client-node';
import { kinds, type Secret, secretText } from './kinds';
import { installAllCrds, type RunningCluster, startRunningCluster, testClient, WorkloadCluster } from './test-support/int-env';

const run = promisify(execFile);
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
const admin = testClient(kubeConfig);
const folder = mkdtempSync(join(tmpdir(), 'cabpck-chart-identity-'));
const logFile = join(folder, 'provider.log');
const release = 'cabpck';
const namePrefix = `ci${randomBytes(3).toString('hex')}-`;
const names = providerObjectNames(namePrefix);

/** Where the chart runs the provider (Lease, webhook certificate) — apart from the clusters, as in a real install. */
let providerNamespace = '';
/** Where the Clusters and Machines live; the chart's watchNamespace. */
let clustersNamespace = '';
let serviceAccount = '';
let identityKubeconfig = '';
let provider: ManagedProcess | undefined;
let workload: WorkloadCluster | undefined;
let metricsPort = 0;
let scraperBinding = '';

/**
 * The Deployment's arguments with what only a pod has made local: listen addresses on loopback ports and the
 * writable /tmp cert dir. Every flag replaced must be one the chart passes, so a renamed flag fails here.
 */
function localArguments(chartArguments: readonly string[], replacements: Readonly<Record<string, string>>): string[] {
  const flagOf = (argument: string) => argument.split('=', 1)[0] ?? argument;
  const missing = Object.keys(replacements).filter((flag) => !chartArguments.some((argument) => flagOf(argument) === flag));
  if (missing.length > 0) throw new Error(`the chart's Deployment no longer passes ${missing.join(', ')}: ${chartArguments.join(' ')}`);
  return chartArguments.map((argument) => {
    const replacement = replacements[flagOf(argument)];
    return replacement === undefined ? argument : `${flagOf(argument)}=${replacement}`;
  });
}

/**
 * Requests the apiserver refused, one line each as the provider logged them (controller, request, the apiserver's
 * reason naming the user, verb and resource): the chart's RBAC lacked a permission the provider used.
 */
function deniedRequests(): string[] {
  const denied = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => /forbidden|\b403\b/i.test(line))
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { controller?: string; msg?: string; err?: { message?: string } };
        return `${entry.controller ?? entry.msg ?? ''}: ${entry.err?.message ?? line}`;
      } catch {
        return line;
      }
    });
  return [...new Set(denied)];
}

function expectNoDeniedRequest(): void {
  expect(deniedRequests()).toEqual([]);
}

/** Settles with `work`, or rejects as soon as the provider logs a refused request, naming it. */
async function failingOnDenial<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const denial = new Promise<never>((_resolve, reject) => {
    timer = setInterval(() => {
      const denied = deniedRequests();
      if (denied.length > 0) reject(new Error(`the apiserver refused the chart's ServiceAccount:\n${denied.join('\n')}`));
    }, 250);
  });
  try {
    return await Promise.race([work, denial]);
  } finally {
    clearInterval(timer);
  }
}

async function deploymentContainer(): Promise<{ args: string[]; env: string[] }> {
  const deployment = await admin.get(kindRef<KubeObject & { spec: { template: { spec: { containers: { name: string; args?: string[]; env?: { name: string }[] }[] } } } }>('apps/v1', 'Deployment'), {
    namespace: providerNamespace,
    name: names.deployment,
  });
  const manager = deployment.spec.template.spec.containers.find((container) => container.name === 'manager');
  if (!manager) throw new Error(`Deployment ${names.deployment} has no container named manager`);
  return { args: manager.args ?? [], env: (manager.env ?? []).map((variable) => variable.name) };
}

/**
 * Runs the bundle with the chart's arguments, made local, as the chart's ServiceAccount. A port found free can be
 * taken by another process before the provider binds it, so an address-in-use exit is retried on new ports.
 */
async function startProvider(bundled: string, container: { args: string[]; env: string[] }): Promise<void> {
  // What the downward API gives the pod; no KUBECONFIG, so only the ServiceAccount identity can be used.
  const podEnv: Record<string, string> = { POD_NAMESPACE: providerNamespace, POD_NAME: `${names.deployment}-local`, POD_UID: randomBytes(16).toString('hex') };
  expect([...container.env].sort()).toEqual(Object.keys(podEnv).sort());
  const { KUBECONFIG: _ignored, ...inherited } = process.env;
  for (let attempt = 1; ; attempt += 1) {
    const [health, metrics, webhook] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const args = [
      ...localArguments(container.args, {
        '--health-probe-bind-address': `127.0.0.1:${health}`,
        '--metrics-bind-address': `127.0.0.1:${metrics}`,
        '--webhook-port': String(webhook),
        '--webhook-cert-dir': join(folder, 'serving-certs'),
      }),
      `--kubeconfig=${identityKubeconfig}`,
      // The simulator's k8sd listens on loopback. The chart's default route (port-forward) goes through the workload
      // cluster's apiserver with the workload kubeconfig, so the management cluster's RBAC is the same either way.
      '--k8sd-route=direct',
      '--k8sd-dial-timeout-duration=10s',
    ];
    const started = new ManagedProcess({ name: 'bootstrap-provider (chart identity)', command: process.execPath, args: [bundled, ...args], env: { ...inherited, ...podEnv }, logFile });
    started.start();
    provider = started;
    const outcome = await waitFor(
      'the provider, as the chart ServiceAccount, to become ready',
      async () => (started.isRunning() ? ((await fetch(`http://127.0.0.1:${health}/readyz`)).ok ? 'ready' : undefined) : 'exited'),
      { timeoutMs: 60_000, intervalMs: 100, explain: () => started.logTail() },
    );
    if (outcome === 'ready') {
      metricsPort = metrics;
      return;
    }
    if (attempt === 3 || !started.logTail(5).includes('EADDRINUSE')) throw new Error(`the provider exited:\n${started.logTail()}`);
  }
}

beforeAll(async () => {
  const bundled = join(folder, 'main.js');
  // The same bundle the Dockerfile copies into the image.
  await run(process.execPath, [join(appRoot, 'scripts', 'bundle.mjs'), bundled]);
  [providerNamespace, clustersNamespace, workload] = await Promise.all([
    createTestNamespace(kubeConfig, 'cabpck-chart'),
    createTestNamespace(kubeConfig, 'cabpck-chart-clusters'),
    // Short snap refreshes: the bundled provider polls them on its default 5 s period.
    WorkloadCluster.start({ snapRefreshDurationMs: 500 }),
    installAllCrds(kubeConfig),
  ]).then(([system, clusters, started]) => [system, clusters, started] as const);
  await installChart(env.kubeconfigPath, 'bootstrap-provider', {
    release,
    namespace: providerNamespace,
    values: {
      namePrefix,
      watchNamespace: clustersNamespace,
      webhook: {
        certificateMode: 'selfManaged',
        // The apiserver cannot reach a Service here (no kube-proxy, no DNS): keep the webhooks to the provider's own
        // namespace, where no CK8sConfig is created, so they never judge other tests' objects.
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': providerNamespace } },
      },
    },
  });
  serviceAccount = serviceAccountUser(providerNamespace, namePrefix);
  identityKubeconfig = impersonatingKubeconfig(kubeConfig, serviceAccount);

  await startProvider(bundled, await deploymentContainer());
}, 180_000);

afterAll(async () => {
  await provider?.stop();
  if (scraperBinding) await admin.delete(kindRef('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'), { name: scraperBinding });
  if (providerNamespace) {
    await uninstallChart(env.kubeconfigPath, release, providerNamespace);
    await deleteTestNamespace(kubeConfig, providerNamespace);
  }
  if (clustersNamespace) await deleteTestNamespace(kubeConfig, clustersNamespace);
  await workload?.stop();
}, 90_000);

function cloudConfigFile(secret: Secret, path: string): string | undefined {
  const cloudConfig = load(secretText(secret, 'value') ?? '') as { write_files: { path: string; content: string }[] };
  return cloudConfig.write_files.find((file) => file.path === path)?.content;
}

function runCommands(secret: Secret): string[] {
  return (load(secretText(secret, 'value') ?? '') as { runcmd: string[] }).runcmd;
}

/** GET /metrics over HTTPS (the self-managed mode's metrics certificate is self-issued, so not verified here). */
function scrapeMetrics(token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(
      { host: '127.0.0.1', port: metricsPort, path: '/metrics', rejectUnauthorized: false, agent: false, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    ).on('error', reject);
  });
}

describe("the bundled bootstrap provider run as the chart's ServiceAccount", () => {
  it('authenticates as that ServiceAccount, leads through the chart Lease and installs its own webhook certificate', async () => {
    // The runtime's client applies the impersonation of the kubeconfig the process was given.
    const review = await testClient(loadKubeConfig(identityKubeconfig)).rest.request<{
      status: { userInfo: { username: string } };
    }>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status.userInfo.username).toBe(serviceAccount);

    const lease = await admin.get(kinds.lease, { namespace: providerNamespace, name: leaderElectionId['bootstrap-provider'] });
    expect(lease.spec?.holderIdentity).toBeTruthy();

    const certificate = await waitFor('the provider to create its webhook certificate Secret', () => admin.find(kinds.secret, { namespace: providerNamespace, name: names.webhookSecret }), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const caPem = secretText(certificate, 'ca.crt');
    expect(caPem).toContain('BEGIN CERTIFICATE');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const) {
      const name = kind === 'MutatingWebhookConfiguration' ? names.mutatingWebhookConfiguration : names.validatingWebhookConfiguration;
      const bundles = await waitFor(
        `the provider to patch the caBundle of ${kind} ${name}`,
        async () => {
          const configuration = await admin.get(kindRef<KubeObject & { webhooks: { clientConfig: { caBundle?: string } }[] }>('admissionregistration.k8s.io/v1', kind), { name });
          const values = configuration.webhooks.map((webhook) => Buffer.from(webhook.clientConfig.caBundle ?? '', 'base64').toString());
          return values.every((value) => value === caPem) ? values : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(bundles).toHaveLength(2);
    }
  });

  let running: RunningCluster;

  it('bootstraps an init node, a control plane join and a worker through Cluster API core', async () => {
    if (!workload) throw new Error('no workload cluster');
    // The test plays the infrastructure and control plane providers; nodes come up in the k8sd simulator and Cluster
    // API matches them to their Machines, which brings the certificates controller in too.
    running = await failingOnDenial(
      startRunningCluster(admin, workload, clustersNamespace, 'chart', [
        { name: 'chart-cp-1', role: 'control-plane' },
        { name: 'chart-worker-0', role: 'worker' },
      ]),
    );
    const { fixture, simulated } = running;

    const init = (await fixture.dataSecret('chart-cp-0')) as Secret;
    expect(init).toMatchObject({
      type: 'cluster.x-k8s.io/secret',
      metadata: { labels: { 'cluster.x-k8s.io/cluster-name': 'chart' }, ownerReferences: [expect.objectContaining({ kind: 'CK8sConfig', name: 'chart-cp-0', controller: true })] },
    });
    expect(runCommands(init)).toContain('/capi/scripts/bootstrap.sh');
    expect(cloudConfigFile(init, '/capi/etc/token')).toBe(fixture.authToken);
    const clusterCa = await admin.get(kinds.secret, { namespace: clustersNamespace, name: 'chart-ca' });
    const initConfig = load(cloudConfigFile(init, '/capi/etc/config.yaml') ?? '') as Record<string, unknown>;
    expect(initConfig['ca-crt']).toBe(secretText(clusterCa, 'tls.crt'));

    for (const [name, role] of [
      ['chart-cp-1', 'control-plane'],
      ['chart-worker-0', 'worker'],
    ] as const) {
      const secret = (await fixture.dataSecret(name)) as Secret;
      expect(runCommands(secret)).toContain('/capi/scripts/join-cluster.sh');
      // Issued by the simulator's k8sd for this role (its tokens say which), then used by the node to join.
      expect(cloudConfigFile(secret, '/capi/etc/join-token')).toMatch(new RegExp(`^sim-${role}-[0-9a-f]{32}$`));
      expect(simulated.node(name)?.role).toBe(role);
    }
    for (const name of ['chart-cp-0', 'chart-cp-1', 'chart-worker-0']) {
      expect(cloudConfigFile((await fixture.dataSecret(name)) as Secret, '/capi/etc/node-token')).toBe(await fixture.nodeToken(name));
      expect((await fixture.waitForDataInStatus(name)).status).toMatchObject({ ready: true, dataSecretName: name });
      expect(await fixture.waitForMachineDataSecret(name)).toBe(name);
    }
    // The init lock, created then deleted by the provider.
    expect(await admin.find(kinds.configMap, { namespace: clustersNamespace, name: 'chart-lock' })).toBeUndefined();
    expectNoDeniedRequest();
  }, 240_000);

  it('records certificate expiry on the Machines of running nodes', async () => {
    for (const name of ['chart-cp-0', 'chart-cp-1', 'chart-worker-0']) {
      await waitFor(
        `the certificates expiry annotation on Machine ${name}`,
        async () => (await admin.get(kinds.machine, { namespace: clustersNamespace, name })).metadata.annotations?.[annotations.certificatesExpiry],
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    }
    expectNoDeniedRequest();
  }, 100_000);

  it("upgrades a Machine in place through its node's k8sd, recording annotations and events", async () => {
    const key = { namespace: clustersNamespace, name: 'chart-worker-0' };
    await admin.mergePatch(kinds.machine, key, { metadata: { annotations: { [annotations.inPlaceUpgradeTo]: 'channel=1.34-classic/stable' } } });
    const upgraded = await failingOnDenial(
      waitFor(
        'the in-place upgrade of chart-worker-0 to finish',
        async () => {
          const values = (await admin.get(kinds.machine, key)).metadata.annotations ?? {};
          return values[annotations.inPlaceUpgradeRelease] ? values : undefined;
        },
        { timeoutMs: 45_000, intervalMs: 100 },
      ),
    );
    expect(upgraded).toMatchObject({ [annotations.inPlaceUpgradeStatus]: 'done', [annotations.inPlaceUpgradeRelease]: 'channel=1.34-classic/stable' });
    expect(running.simulated.node('chart-worker-0')?.snap.channel).toBe('1.34-classic/stable');
    const events = await admin.list(kindRef<KubeObject & { reason?: string }>('v1', 'Event'), {
      namespace: clustersNamespace,
      fieldSelector: 'involvedObject.name=chart-worker-0',
    });
    expect(events.map((event) => event.reason)).toEqual(expect.arrayContaining(['InPlaceUpgradeInProgress', 'InPlaceUpgradeDone']));
    expectNoDeniedRequest();
  }, 60_000);

  it("serves secure metrics, reviewing a scraper bound to the chart's metrics-reader role", async () => {
    await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'scraper', namespace: providerNamespace } });
    scraperBinding = `${namePrefix}scraper`;
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: scraperBinding },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.metricsReaderRole },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: providerNamespace }],
    } as KubeObject);
    const tokenRequest = await admin.rest.request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${providerNamespace}/serviceaccounts/scraper/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    // TokenReview and SubjectAccessReview are made with the provider's (the chart's) identity.
    const metrics = await scrapeMetrics(tokenRequest.status.token);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/controller_runtime_reconcile_total\{controller="ck8sconfig",result="success"\} [1-9]/);
    expect((await scrapeMetrics('not-a-token')).status).toBe(401);
  });

  it('stops on SIGTERM, and no request it made in its whole run was forbidden', async () => {
    await provider?.stop('SIGTERM');
    expect(provider?.isRunning()).toBe(false);
    expect(provider?.logTail(5)).toContain('manager stopped');
    // Releasing the Lease is an update too.
    const lease = await admin.get(kinds.lease, { namespace: providerNamespace, name: leaderElectionId['bootstrap-provider'] });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
    expectNoDeniedRequest();
  });
});

function loadKubeConfig(path: string): KubeConfig {
  const loaded = new KubeConfig();
  loaded.loadFromFile(path);
  return loaded;
}

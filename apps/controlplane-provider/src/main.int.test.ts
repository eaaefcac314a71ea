// The bundled dist/main.js as the container runs it: one process, the chart's flags, against the shared environment.
// Its webhooks are called by the real apiserver (defaulting, validation, the scale subresource) and it initialises a
// control plane on its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { controlPlaneApiVersion } from '@capi-ck8s/api';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { ApiError, kindRef, RestClient } from '@capi-ck8s/runtime';
import { freeLoopbackPort, ManagedProcess, registerWebhooks, sharedEnvironment, waitForProcessReady } from '@capi-ck8s/testenv';
import { kinds, type ControlPlaneObject } from './kinds';
import { ProviderTestBed } from './test-support/int-env';
import { testKinds } from './test-support/test-crds';
import { webhookPaths } from './webhooks/ck8scontrolplane';

const run = promisify(execFile);
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = sharedEnvironment();
const kubeConfig = env.kubeConfig();
// The bundled process is the provider here; the test bed only plays the machines.
const bed = new ProviderTestBed(kubeConfig, 'bundle', { inProcessProvider: false });
const { client, durations } = bed;
const folder = mkdtempSync(join(tmpdir(), 'cacpck-bundle-'));
let provider: ManagedProcess;
let namespace = '';
const webhookNames: string[] = [];

function webhook(name: string, path: string, resource: string, operations: string[]) {
  return {
    name: `${name}.controlplane.cluster.x-k8s.io`,
    clientConfig: { service: { path } },
    rules: [{ apiGroups: ['controlplane.cluster.x-k8s.io'], apiVersions: ['v1beta2'], operations, resources: [resource] }],
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
  };
}

beforeAll(async () => {
  namespace = bed.namespace;
  const bundled = join(folder, 'main.js');
  // The same script the Dockerfile runs.
  await run(process.execPath, [join(appRoot, 'scripts', 'bundle.mjs'), bundled]);
  const ca = await createCertificateAuthority({ commonName: 'cacpck-bundle-test' });
  const serving = await issueCertificate({ issuer: ca, commonName: 'webhook', ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  writeFileSync(join(folder, 'tls.crt'), serving.certPem);
  writeFileSync(join(folder, 'tls.key'), serving.keyPem);
  const ports = { health: await freeLoopbackPort(), webhook: await freeLoopbackPort() };
  provider = new ManagedProcess({
    name: 'controlplane-provider',
    command: process.execPath,
    args: [
      bundled,
      `--kubeconfig=${env.kubeconfigPath}`,
      `--namespace=${namespace}`,
      `--health-probe-bind-address=127.0.0.1:${ports.health}`,
      '--metrics-bind-address=0',
      `--webhook-port=${ports.webhook}`,
      `--webhook-cert-dir=${folder}`,
      '--webhook-cert-mode=cert-manager',
      '--leader-elect',
      `--leader-election-id=cacpck-bundle-${namespace}`,
      '--k8sd-route=direct',
      '--k8sd-dial-timeout-duration=10s',
      '--log-level=info',
    ],
    env: { ...process.env, POD_NAMESPACE: namespace },
    logFile: join(folder, 'provider.log'),
  });
  provider.start();
  await waitForProcessReady(provider, `http://127.0.0.1:${ports.health}/readyz`);
  const name = `cacpck-${namespace}`;
  webhookNames.push(name);
  await registerWebhooks(
    kubeConfig,
    [
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name }, webhooks: [webhook('mcp', webhookPaths.mutateControlPlane, 'ck8scontrolplanes', ['CREATE', 'UPDATE'])] },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name },
        webhooks: [
          webhook('vcp', webhookPaths.validateControlPlane, 'ck8scontrolplanes', ['CREATE', 'UPDATE']),
          webhook('vscale', webhookPaths.validateScale, 'ck8scontrolplanes/scale', ['UPDATE']),
        ],
      },
    ],
    { url: `https://127.0.0.1:${ports.webhook}`, caBundlePem: ca.certPem },
  );
}, 180_000);

afterAll(async () => {
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    for (const name of webhookNames) await client.delete(kindRef('admissionregistration.k8s.io/v1', kind), { name });
  }
  await provider?.stop();
});

function controlPlane(name: string, replicas?: number): ControlPlaneObject {
  return {
    apiVersion: controlPlaneApiVersion,
    kind: 'CK8sControlPlane',
    metadata: { name, namespace },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      version: 'v1.33.2',
      machineTemplate: { infrastructureTemplate: { ...testKinds.infrastructureMachineTemplate, name: 'absent' } },
    },
  };
}

async function rejection(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ApiError) return error.message;
    throw error;
  }
  throw new Error('the request was admitted');
}

describe('the bundled control plane provider', () => {
  it('defaults a CK8sControlPlane through the real apiserver', async () => {
    const created = await client.create(controlPlane('defaults'));
    expect(created.spec?.replicas).toBe(1);
    expect(created.spec?.rolloutStrategy).toEqual({ rollingUpdate: { maxSurge: 1 } });
    expect(created.spec?.machineTemplate?.infrastructureTemplate.namespace).toBe(namespace);
  });

  it('denies an even replica count, on the object and on the scale subresource', async () => {
    expect(await rejection(client.create(controlPlane('even', 2)))).toMatch(/spec\.replicas/);
    await client.create(controlPlane('scaled', 1));
    const scalePath = `/apis/controlplane.cluster.x-k8s.io/v1beta2/namespaces/${namespace}/ck8scontrolplanes/scaled/scale`;
    const rest = new RestClient(kubeConfig);
    const scale = (replicas: number) => rest.request({ method: 'PATCH', path: scalePath, contentType: 'application/merge-patch+json', body: { spec: { replicas } } });
    expect(await rejection(scale(2))).toMatch(/spec\.replicas/);
    await scale(3);
    expect((await client.get(kinds.controlPlane, { namespace, name: 'scaled' })).spec?.replicas).toBe(3);
    await rest.close();
  });

  it('initialises a control plane', async () => {
    const started = performance.now();
    const cluster = await bed.newCluster('bundled');
    await cluster.waitForControlPlane('one Ready machine', (cp, machines) => machines.length === 1 && cp.status?.readyReplicas === 1, 150_000);
    durations['initialise 1 machine (bundled process)'] = Math.round(performance.now() - started);
  }, 180_000);
});

// The generated CRD files on a real kube-apiserver: they install, upstream-style manifests round-trip with only the
// CRD defaults added, the apiserver rejects what the schema forbids at the same field paths ajv reports, and the
// status and scale subresources, printer columns and `kubectl explain` work.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiException } from '@kubernetes/client-node';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { TSchema } from '@sinclair/typebox';
import { binaryPath } from '@capi-ck8s/testenv';
import {
  ck8sConfigResource,
  ck8sConfigTemplateResource,
  ck8sControlPlaneResource,
  ck8sControlPlaneTemplateResource,
} from '../constants';
import type { ResourceNames } from '../constants';
import { loadFixtures } from '../fixtures/fixtures';
import { CK8sConfig, CK8sConfigTemplate } from '../schema/ck8sconfig';
import { CK8sControlPlane, CK8sControlPlaneTemplate } from '../schema/ck8scontrolplane';
import { schemaErrors, withSchemaDefaults } from '../validation/schema-validation';
import { generatedCrdsEnvironment } from './generated-crds-environment';
import type { GeneratedCrdsEnvironment } from './generated-crds-environment';

const run = promisify(execFile);

const kinds: Record<string, { resource: ResourceNames; schema: TSchema }> = {
  CK8sConfig: { resource: ck8sConfigResource, schema: CK8sConfig },
  CK8sConfigTemplate: { resource: ck8sConfigTemplateResource, schema: CK8sConfigTemplate },
  CK8sControlPlane: { resource: ck8sControlPlaneResource, schema: CK8sControlPlane },
  CK8sControlPlaneTemplate: { resource: ck8sControlPlaneTemplateResource, schema: CK8sControlPlaneTemplate },
};

function kindOf(kind: string) {
  const known = kinds[kind];
  if (!known) throw new Error(`unexpected kind ${kind}`);
  return known;
}

type KubernetesObject = Record<string, unknown> & { metadata?: Record<string, unknown>; spec?: unknown };

let environment: GeneratedCrdsEnvironment;
let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  environment = await generatedCrdsEnvironment('api-crds');
  ({ api, namespace } = environment);
});

afterAll(async () => {
  await environment.cleanUp();
});

async function create(object: KubernetesObject): Promise<KubernetesObject> {
  const { resource } = kindOf(String(object['kind']));
  return (await api.createNamespacedCustomObject({
    group: resource.group,
    version: resource.version,
    plural: resource.plural,
    namespace,
    body: { ...object, metadata: { ...object.metadata, namespace } },
  })) as KubernetesObject;
}

async function read(kind: string, name: string): Promise<KubernetesObject> {
  const { resource } = kindOf(kind);
  return (await api.getNamespacedCustomObject({
    group: resource.group,
    version: resource.version,
    plural: resource.plural,
    namespace,
    name,
  })) as KubernetesObject;
}

interface StatusCause {
  field?: string;
  reason?: string;
  message?: string;
}

const distinctSorted = (fields: string[]) => [...new Set(fields)].sort();

/**
 * The distinct field paths the apiserver names in a 422 rejection. It repeats int-or-string errors once per anyOf
 * branch plus once without field (`<nil>`), and names scale-subresource paths with a leading dot.
 */
async function rejectedFields(object: KubernetesObject): Promise<string[]> {
  try {
    await create(object);
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 422) throw error;
    const status = JSON.parse(String(error.body)) as { details?: { causes?: StatusCause[] } };
    const fields = (status.details?.causes ?? []).map((cause) => (cause.field ?? '').replace(/^\./, ''));
    return distinctSorted(fields.filter((field) => field !== '' && field !== '<nil>'));
  }
  throw new Error('the apiserver accepted an object the schema forbids');
}

describe('generated CRDs on kube-apiserver', () => {
  const fixtures = loadFixtures();

  it.each(fixtures.map((fixture) => [`${fixture.file} ${fixture.kind}/${fixture.name}`, fixture] as const))(
    '%s reads back as written plus the CRD defaults',
    async (_name, fixture) => {
      const { schema } = kindOf(fixture.kind);
      await create(fixture.object);
      const stored = await read(fixture.kind, fixture.name);
      expect(stored.spec).toEqual(withSchemaDefaults(schema, fixture.object).spec);
    },
  );

  it('applies the upstream defaults: snap store scheme http, rollout strategy maxSurge 1', async () => {
    const controlPlane = await read('CK8sControlPlane', 'dev-control-plane');
    expect(controlPlane.spec).toMatchObject({
      rolloutStrategy: { rollingUpdate: { maxSurge: 1 } },
      spec: { snapstoreProxyScheme: 'http' },
    });
    const workers = await read('CK8sConfigTemplate', 'dev-md-0');
    expect(workers.spec).toEqual({ template: { spec: { airGapped: true, snapstoreProxyScheme: 'http' } } });
    const surgeFree = await read('CK8sControlPlane', 'prod-control-plane');
    expect(surgeFree.spec).toMatchObject({ rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } });
  });

  it('keeps null argument values, which remove an argument on the node', async () => {
    const controlPlane = await read('CK8sControlPlane', 'os-control-plane');
    expect(controlPlane.spec).toMatchObject({ spec: { extraKubeletArgs: { '--register-with-taints': null } } });
  });

  const malformed: [string, KubernetesObject][] = [
    ['a control plane without version', { kind: 'CK8sControlPlane', metadata: { name: 'no-version' }, spec: { replicas: 1 } }],
    [
      'an unsupported snap store scheme and replicas as a string',
      {
        kind: 'CK8sControlPlane',
        metadata: { name: 'bad-scheme' },
        spec: { version: 'v1.33.0', replicas: '3', spec: { snapstoreProxyScheme: 'ftp' } },
      },
    ],
    [
      'a file without path, a bad encoding and an incomplete secret reference',
      {
        kind: 'CK8sConfig',
        metadata: { name: 'bad-files' },
        spec: { files: [{ content: 'x', encoding: 'zip' }, { path: '/a', contentFrom: { secret: { name: 's' } } }] },
      },
    ],
    [
      'a machine template without infrastructure template and a boolean maxSurge',
      {
        kind: 'CK8sControlPlaneTemplate',
        metadata: { name: 'bad-template' },
        spec: { template: { spec: { machineTemplate: { nodeDrainTimeout: '1m' }, rolloutStrategy: { rollingUpdate: { maxSurge: true } } } } },
      },
    ],
    ['a template without template', { kind: 'CK8sConfigTemplate', metadata: { name: 'no-template' }, spec: {} }],
  ];

  it.each(malformed)('rejects %s at the fields the schema check names', async (_name, object) => {
    const { schema } = kindOf(String(object['kind']));
    const expected = distinctSorted(schemaErrors(schema, object).map((error) => error.field));
    expect(expected.length).toBeGreaterThan(0);
    expect(await rejectedFields({ apiVersion: `${kindOf(String(object['kind'])).resource.group}/v1beta2`, ...object })).toEqual(expected);
  });

  it('stores the CAPI v1beta2 and v1beta1 status fields of a CK8sConfig through the status subresource', async () => {
    const config = await read('CK8sConfig', 'metal-worker-0');
    const status = {
      initialization: { dataSecretCreated: true },
      dataSecretName: 'metal-worker-0',
      ready: true,
      observedGeneration: 1,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Ready', message: '', lastTransitionTime: '2026-11-25T09:00:00Z', observedGeneration: 1 },
      ],
    };
    const { resource } = kindOf('CK8sConfig');
    await api.replaceNamespacedCustomObjectStatus({
      group: resource.group,
      version: resource.version,
      plural: resource.plural,
      namespace,
      name: 'metal-worker-0',
      body: { ...config, spec: { nodeName: 'ignored-through-status' }, status },
    });
    const stored = await read('CK8sConfig', 'metal-worker-0');
    expect(stored['status']).toEqual(status);
    expect(stored.spec).toEqual(config.spec);
  });

  it('rejects a metav1 condition without reason', async () => {
    const config = await read('CK8sConfig', 'metal-worker-0');
    const { resource } = kindOf('CK8sConfig');
    const update = api.replaceNamespacedCustomObjectStatus({
      group: resource.group,
      version: resource.version,
      plural: resource.plural,
      namespace,
      name: 'metal-worker-0',
      body: { ...config, status: { conditions: [{ type: 'Ready', status: 'False', message: 'x', lastTransitionTime: '2026-11-25T09:00:00Z' }] } },
    });
    await expect(update).rejects.toMatchObject({ code: 422 });
  });

  it('scales a control plane through the scale subresource', async () => {
    const { resource } = kindOf('CK8sControlPlane');
    const names = { group: resource.group, version: resource.version, plural: resource.plural, namespace, name: 'vs-control-plane' };
    const controlPlane = await read('CK8sControlPlane', 'vs-control-plane');
    const selector = 'cluster.x-k8s.io/cluster-name=vs,cluster.x-k8s.io/control-plane';
    await api.replaceNamespacedCustomObjectStatus({
      ...names,
      body: { ...controlPlane, status: { replicas: 3, selector, readyReplicas: 3, availableReplicas: 3, upToDateReplicas: 3, version: 'v1.32.4', initialization: { controlPlaneInitialized: true } } },
    });
    const scale = (await api.getNamespacedCustomObjectScale(names)) as { spec: { replicas: number }; status: { replicas: number; selector: string } };
    expect(scale.spec.replicas).toBe(3);
    expect(scale.status).toEqual({ replicas: 3, selector });
    await api.replaceNamespacedCustomObjectScale({ ...names, body: { ...scale, spec: { replicas: 5 } } });
    expect((await read('CK8sControlPlane', 'vs-control-plane')).spec).toMatchObject({ replicas: 5 });
  });

  it('prints the upstream columns in kubectl get and explains fields in kubectl explain', async () => {
    const kubectl = (...args: string[]) => run(binaryPath('kubectl'), ['--kubeconfig', environment.kubeconfigPath, ...args]);
    const table = await kubectl('get', 'ck8scontrolplanes', '-n', namespace, 'vs-control-plane');
    expect(table.stdout.split('\n')[0]?.split(/\s{2,}/)).toEqual([
      'NAME', 'INITIALIZED', 'API SERVER AVAILABLE', 'VERSION', 'REPLICAS', 'READY', 'UPDATED', 'UNAVAILABLE', 'AGE',
    ]);
    const explained = await kubectl('explain', 'ck8scontrolplanes.spec.spec.ExtraK8sAPIServerProxyArgs');
    expect(explained.stdout).toContain('Extra k8s-apiserver-proxy arguments (worker nodes only)');
    const grouped = await kubectl('get', 'cluster-api', '-n', namespace, '-o', 'name');
    expect(grouped.stdout).toContain('ck8scontrolplane.controlplane.cluster.x-k8s.io/vs-control-plane');
  });
});

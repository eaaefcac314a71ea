// The real Cluster API core manager (v1.13, v1beta2 contract) reads our resources through the CRD contract labels
// and the v1beta2 status fields: a Machine picks up the bootstrap data secret of its CK8sConfig, and a Cluster sees
// its CK8sControlPlane initialized. Nothing here runs our controllers; the test writes the status they would write.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { waitFor } from '@capi-ck8s/testenv';
import type { Cluster, Machine } from '../capi';
import {
  bootstrapGroup,
  ck8sConfigResource,
  ck8sControlPlaneResource,
  clusterResource,
  controlPlaneGroup,
  labels,
  machineResource,
} from '../constants';
import type { ResourceNames } from '../constants';
import type { CK8sConfig } from '../schema/ck8sconfig';
import type { CK8sControlPlane } from '../schema/ck8scontrolplane';
import { generatedCrdsEnvironment } from './generated-crds-environment';
import type { GeneratedCrdsEnvironment } from './generated-crds-environment';


let environment: GeneratedCrdsEnvironment;
let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  environment = await generatedCrdsEnvironment('api-contract');
  ({ api, namespace } = environment);
  await createClusterWithControlPlane();
});

afterAll(async () => {
  await environment.cleanUp();
});

const coordinates = (resource: ResourceNames) => ({
  group: resource.group,
  version: resource.version,
  plural: resource.plural,
  namespace,
});

async function create<T extends object>(resource: ResourceNames, body: T): Promise<T> {
  return (await api.createNamespacedCustomObject({ ...coordinates(resource), body })) as T;
}

async function get<T>(resource: ResourceNames, name: string): Promise<T> {
  return (await api.getNamespacedCustomObject({ ...coordinates(resource), name })) as T;
}

async function writeStatus<T extends object>(resource: ResourceNames, name: string, status: object): Promise<void> {
  const current = await get<T>(resource, name);
  await api.replaceNamespacedCustomObjectStatus({ ...coordinates(resource), name, body: { ...current, status } });
}

const condition = (type: string, status: 'True' | 'False', reason: string) => ({
  type,
  status,
  reason,
  message: '',
  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
});

async function createClusterWithControlPlane(): Promise<void> {
  await create<CK8sControlPlane>(ck8sControlPlaneResource, {
    apiVersion: `${controlPlaneGroup}/v1beta2`,
    kind: 'CK8sControlPlane',
    metadata: { name: 'prod-control-plane', namespace, labels: { [labels.clusterName]: 'prod' } },
    spec: {
      replicas: 1,
      version: 'v1.33.2',
      machineTemplate: {
        infrastructureTemplate: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
          kind: 'DockerMachineTemplate',
          name: 'prod-control-plane',
          namespace,
        },
      },
    },
  });
  await create(clusterResource, {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'prod', namespace },
    spec: { controlPlaneRef: { apiGroup: controlPlaneGroup, kind: 'CK8sControlPlane', name: 'prod-control-plane' } },
  });
}

describe('Cluster API core with the generated CRDs', () => {
  it('copies the data secret name of a CK8sConfig whose status.initialization.dataSecretCreated is true', async () => {
    await create<CK8sConfig>(ck8sConfigResource, {
      apiVersion: `${bootstrapGroup}/v1beta2`,
      kind: 'CK8sConfig',
      metadata: { name: 'prod-md-0-abcde', namespace, labels: { [labels.clusterName]: 'prod' } },
      spec: { nodeName: '{{ ds.meta_data.local_hostname }}' },
    });
    await create<Machine>(machineResource, {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Machine',
      metadata: { name: 'prod-md-0-abcde', namespace, labels: { [labels.clusterName]: 'prod' } },
      spec: {
        clusterName: 'prod',
        version: 'v1.33.2',
        bootstrap: { configRef: { apiGroup: bootstrapGroup, kind: 'CK8sConfig', name: 'prod-md-0-abcde' } },
        infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name: 'prod-md-0-abcde' },
      },
    });
    await writeStatus(ck8sConfigResource, 'prod-md-0-abcde', {
      initialization: { dataSecretCreated: true },
      dataSecretName: 'prod-md-0-abcde',
      ready: true,
      conditions: [condition('Ready', 'True', 'Ready')],
    });

    const machine = await waitFor(
      'the Machine to reference the bootstrap data secret',
      async () => {
        const current = await get<Machine>(machineResource, 'prod-md-0-abcde');
        return current.spec.bootstrap.dataSecretName ? current : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(machine.spec.bootstrap.dataSecretName).toBe('prod-md-0-abcde');
    const owned = await get<CK8sConfig>(ck8sConfigResource, 'prod-md-0-abcde');
    expect(owned.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Machine', name: 'prod-md-0-abcde', controller: true }),
    ]);
  });

  it('marks a Cluster control plane initialized from status.initialization.controlPlaneInitialized', async () => {
    await writeStatus(ck8sControlPlaneResource, 'prod-control-plane', {
      initialization: { controlPlaneInitialized: true },
      initialized: true,
      ready: true,
      selector: `${labels.clusterName}=prod,${labels.controlPlane}`,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      upToDateReplicas: 1,
      updatedReplicas: 1,
      unavailableReplicas: 0,
      version: 'v1.33.2',
      conditions: [condition('Available', 'True', 'Available')],
    });

    const cluster = await waitFor(
      'the Cluster to see its control plane initialized',
      async () => {
        const current = await get<Cluster>(clusterResource, 'prod');
        return current.status?.initialization?.controlPlaneInitialized ? current : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(cluster.status?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ControlPlaneInitialized', status: 'True' }),
        expect.objectContaining({ type: 'ControlPlaneAvailable', status: 'True' }),
      ]),
    );
  });
});

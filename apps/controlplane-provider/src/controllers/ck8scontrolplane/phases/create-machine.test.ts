import { controlPlaneApiVersion } from '@capi-ck8s/api';
import type { ClusterObject, ControlPlaneObject, InfrastructureObject } from '../../../kinds';
import type { Pass } from '../dependencies';
import { bootstrapConfig, cloneInfrastructureMachine, controlPlaneMachine, newMachineName } from './create-machine';

const controlPlane: ControlPlaneObject = {
  apiVersion: controlPlaneApiVersion,
  kind: 'CK8sControlPlane',
  metadata: { name: 'alpha', namespace: 'ns', uid: 'cp-uid' },
  spec: {
    version: 'v1.33.2',
    replicas: 3,
    spec: { controlPlane: { microclusterPort: 2380, extraSANs: ['a.example'] }, files: [{ path: '/etc/x', content: 'y' }] },
    machineTemplate: {
      infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 'cp-template', namespace: 'ns' },
      metadata: { labels: { team: 'red' }, annotations: { note: 'kept' } },
      nodeDrainTimeout: '90s',
      nodeDeletionTimeout: '10m',
    },
  },
};
const cluster: ClusterObject = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'alpha-cluster', namespace: 'ns', uid: 'cluster-uid' } };
const pass: Pass = { controlPlane, cluster, namespace: 'ns', clusterName: 'alpha-cluster' };
const template: InfrastructureObject = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
  kind: 'DockerMachineTemplate',
  metadata: { name: 'cp-template', namespace: 'ns' },
  spec: { template: { metadata: { labels: { 'from-template': 'yes' }, annotations: { 'template-note': 'x' } }, spec: { image: 'kind' } } },
};
const controlPlaneLabels = { 'cluster.x-k8s.io/cluster-name': 'alpha-cluster', 'cluster.x-k8s.io/control-plane': '', 'cluster.x-k8s.io/control-plane-name': 'alpha', team: 'red' };

describe('machine creation', () => {
  it('names machines after the control plane with a random suffix', () => {
    expect(newMachineName('alpha')).toMatch(/^alpha-[a-z0-9]{5}$/);
    expect(newMachineName('alpha')).not.toBe(newMachineName('alpha'));
  });

  it('clones the infrastructure machine from the template with cloned-from annotations and the control plane as a plain owner', () => {
    const infrastructure = cloneInfrastructureMachine(pass, template, 'alpha-abcde');
    expect(infrastructure.kind).toBe('DockerMachine');
    expect(infrastructure.spec).toEqual({ image: 'kind' });
    expect(infrastructure.metadata.labels).toEqual({ 'from-template': 'yes', ...controlPlaneLabels });
    expect(infrastructure.metadata.annotations).toEqual({
      'template-note': 'x',
      note: 'kept',
      'cluster.x-k8s.io/cloned-from-name': 'cp-template',
      'cluster.x-k8s.io/cloned-from-groupkind': 'DockerMachineTemplate.infrastructure.cluster.x-k8s.io',
    });
    expect(infrastructure.metadata.ownerReferences).toEqual([{ apiVersion: controlPlaneApiVersion, kind: 'CK8sControlPlane', name: 'alpha', uid: 'cp-uid' }]);
  });

  it('copies spec.spec into the CK8sConfig', () => {
    const config = bootstrapConfig(pass, 'alpha-abcde');
    expect(config.spec).toEqual(controlPlane.spec?.spec);
    expect(config.spec).not.toBe(controlPlane.spec?.spec);
    expect(config.metadata.labels).toEqual(controlPlaneLabels);
  });

  it('creates the Machine with version, failure domain, deletion timeouts, labels and the control plane as controller', () => {
    const infrastructure = cloneInfrastructureMachine(pass, template, 'alpha-abcde');
    const remediationFor = { machine: 'alpha-old', timestamp: '2026-11-25T10:00:00Z', retryCount: 1 };
    const machine = controlPlaneMachine(pass, infrastructure, 'alpha-abcde', { failureDomain: 'fd-2', remediationFor });
    expect(machine.spec).toEqual({
      clusterName: 'alpha-cluster',
      version: 'v1.33.2',
      bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'alpha-abcde' } },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'DockerMachine', name: 'alpha-abcde' },
      failureDomain: 'fd-2',
      deletion: { nodeDrainTimeoutSeconds: 90, nodeDeletionTimeoutSeconds: 600 },
    });
    expect(machine.metadata.labels).toEqual(controlPlaneLabels);
    expect(machine.metadata.annotations).toEqual({
      note: 'kept',
      'controlplane.cluster.x-k8s.io/ck8s-server-configuration': JSON.stringify(controlPlane.spec?.spec?.controlPlane),
      'controlplane.cluster.x-k8s.io/remediation-for': JSON.stringify(remediationFor),
    });
    expect(machine.metadata.ownerReferences).toEqual([{ apiVersion: controlPlaneApiVersion, kind: 'CK8sControlPlane', name: 'alpha', uid: 'cp-uid', controller: true, blockOwnerDeletion: true }]);
  });

  it('leaves the failure domain and deletion out when there are none', () => {
    const bare: Pass = { ...pass, controlPlane: { ...controlPlane, spec: { version: 'v1.33.2', machineTemplate: { infrastructureTemplate: { kind: 'DockerMachineTemplate', name: 'cp-template' } } } } };
    const machine = controlPlaneMachine(bare, cloneInfrastructureMachine(bare, template, 'm'), 'm', { failureDomain: undefined, remediationFor: undefined });
    expect(machine.spec.failureDomain).toBeUndefined();
    expect(machine.spec.deletion).toBeUndefined();
    expect(Object.keys(machine.metadata.annotations ?? {})).toEqual(['controlplane.cluster.x-k8s.io/ck8s-server-configuration']);
  });
});

import { Store } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, MachineObject, Secret } from '../../kinds';
import { config, machine } from '../../test-support/objects';
import { clusterWaitingForSecret, configOfMachine, configsOfCluster } from './watches';

function secret(name: string, clusterLabel?: string): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns', ...(clusterLabel ? { labels: { 'cluster.x-k8s.io/cluster-name': clusterLabel } } : {}) } };
}

describe('configOfMachine', () => {
  it('maps a Machine to the CK8sConfig it references', () => {
    expect(configOfMachine(machine())).toEqual([{ namespace: 'ns', name: 'node-0' }]);
  });

  it('ignores Machines bootstrapped by another provider', () => {
    const other = machine();
    other.spec.bootstrap.configRef = { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfig', name: 'node-0' };
    expect(configOfMachine(other)).toEqual([]);
  });
});

describe('configsOfCluster', () => {
  it('finds configs by their cluster label and through the Machines of the cluster, once each', () => {
    const configs = new Store<CK8sConfigObject>();
    const labelled = config();
    labelled.metadata = { ...labelled.metadata, name: 'labelled', labels: { 'cluster.x-k8s.io/cluster-name': 'alpha' } };
    configs.upsert(labelled);
    const machines = new Store<MachineObject>();
    machines.upsert(machine());
    const twin = machine();
    twin.metadata = { ...twin.metadata, name: 'machine-1' };
    twin.spec.bootstrap.configRef = { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'CK8sConfig', name: 'labelled' };
    machines.upsert(twin);
    expect(configsOfCluster('ns', 'alpha', configs, machines)).toEqual([
      { namespace: 'ns', name: 'labelled' },
      { namespace: 'ns', name: 'node-0' },
    ]);
    expect(configsOfCluster('ns', 'beta', configs, machines)).toEqual([]);
  });
});

describe('clusterWaitingForSecret', () => {
  it.each([
    ['the cluster token', secret('alpha-token', 'alpha'), 'alpha'],
    ['the workload kubeconfig', secret('alpha-kubeconfig', 'alpha'), 'alpha'],
    ['a data secret of the cluster', secret('node-0', 'alpha'), undefined],
    ['an unlabelled token', secret('alpha-token'), undefined],
  ])('%s', (_name, candidate, expected) => {
    expect(clusterWaitingForSecret(candidate)).toBe(expected);
  });
});

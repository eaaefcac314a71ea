import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { minutesAgo, now, scopeOf, templateGroupKind } from './test-fixtures';
import type { TestMachine, TestWorld } from './test-fixtures';

const spec: CK8sConfigSpec = {
  files: [{ path: '/etc/motd', content: 'hello' }],
  controlPlane: { extraSANs: ['cp.example'] },
  extraKubeletArgs: { '--max-pods': '200' },
};

function reasonsFor(world: Partial<TestWorld>, machine: Partial<TestMachine>) {
  const scope = scopeOf({ spec, ...world, machines: [{ name: 'm1', ...machine }] });
  const [described] = scope.machines;
  return described!.upToDate;
}

describe('machineUpToDate', () => {
  it.each<[string, Partial<TestWorld>, Partial<TestMachine>]>([
    ['same version, config and template', {}, {}],
    ['a version that differs only by the leading v', { version: 'v1.34.1' }, { version: '1.34.1' }],
    ['a CK8sConfig whose version was filled in by the bootstrap provider', {}, { config: { ...spec, version: 'v1.34.1' } }],
    ['a CK8sConfig carrying the CRD default snapstoreProxyScheme', {}, { config: { ...spec, snapstoreProxyScheme: 'http' } }],
    ['a CK8sConfig with empty lists and maps where the spec has none', {}, { config: { ...spec, bootCommands: [], extraContainerdArgs: {} } }],
    ['a missing CK8sConfig (being created or deleted)', {}, { config: null }],
    [
      'differences only the first node reads (init settings, cloud provider, taints, datastore)',
      {},
      {
        config: {
          ...spec,
          bootstrapConfig: { content: 'cluster-config: {}' },
          initConfig: { enableDefaultIngress: false },
          controlPlane: { ...spec.controlPlane, cloudProvider: 'external', nodeTaints: ['a=b:NoSchedule'], datastoreType: 'etcd', etcdPort: 12379, etcdPeerPort: 12380 },
        },
      },
    ],
    ['a difference in worker-only settings', {}, { config: { ...spec, ExtraK8sAPIServerProxyArgs: { '--x': 'y' } } }],
    ['an infrastructure machine without cloned-from annotations', {}, { clonedFrom: null }],
    ['a machine created after rolloutAfter', { rolloutAfter: minutesAgo(30) }, { ageMinutes: 10 }],
    ['a rolloutAfter still in the future', { rolloutAfter: new Date(now.getTime() + 60_000).toISOString() }, { ageMinutes: 600 }],
  ])('is up to date with %s', (_name, world, machine) => {
    expect(reasonsFor(world, machine)).toEqual({ upToDate: true, reasons: [] });
  });

  it.each<[string, Partial<TestWorld>, Partial<TestMachine>, string, RegExp]>([
    ['a new Kubernetes version', { version: 'v1.35.0' }, { version: 'v1.34.1' }, 'VersionChanged', /version v1\.34\.1, want v1\.35\.0/],
    ['a changed file', {}, { config: { ...spec, files: [{ path: '/etc/motd', content: 'bye' }] } }, 'BootstrapConfigChanged', /at files$/],
    [
      'a changed nested control plane setting',
      {},
      { config: { ...spec, controlPlane: { extraSANs: ['other.example'] } } },
      'BootstrapConfigChanged',
      /at controlPlane\.extraSANs$/,
    ],
    ['a new k8sd port, which joining nodes listen on', {}, { config: { ...spec, controlPlane: { ...spec.controlPlane, microclusterPort: 3380 } } }, 'BootstrapConfigChanged', /at controlPlane\.microclusterPort$/],
    ['a removed kubelet argument', {}, { config: { ...spec, extraKubeletArgs: {} } }, 'BootstrapConfigChanged', /extraKubeletArgs\.--max-pods/],
    [
      'another infrastructure template',
      {},
      { clonedFrom: { name: 'old-template', groupKind: templateGroupKind } },
      'InfrastructureTemplateChanged',
      /cloned from DockerMachineTemplate\.infrastructure\.cluster\.x-k8s\.io old-template/,
    ],
    [
      'a template of another kind with the same name',
      {},
      { clonedFrom: { name: 'cp-template', groupKind: 'AWSMachineTemplate.infrastructure.cluster.x-k8s.io' } },
      'InfrastructureTemplateChanged',
      /want DockerMachineTemplate/,
    ],
    ['rolloutAfter passed after the machine was created', { rolloutAfter: minutesAgo(5) }, { ageMinutes: 60 }, 'RolloutAfterPassed', /before spec\.rolloutAfter/],
  ])('needs a rollout for %s', (_name, world, machine, code, message) => {
    const result = reasonsFor(world, machine);
    expect(result.upToDate).toBe(false);
    expect(result.reasons).toEqual([{ code, message: expect.stringMatching(message) as string }]);
  });

  it('reports every reason at once', () => {
    const result = reasonsFor(
      { version: 'v1.35.0', rolloutAfter: minutesAgo(5) },
      { version: 'v1.34.1', ageMinutes: 60, config: {}, clonedFrom: { name: 'old', groupKind: templateGroupKind } },
    );
    expect(result.reasons.map((reason) => reason.code)).toEqual([
      'RolloutAfterPassed',
      'VersionChanged',
      'BootstrapConfigChanged',
      'InfrastructureTemplateChanged',
    ]);
  });
});

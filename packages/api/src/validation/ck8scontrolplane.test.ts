import type { CK8sControlPlane, CK8sControlPlaneTemplate } from '../schema/ck8scontrolplane';
import {
  validateCK8sControlPlane,
  validateCK8sControlPlaneScale,
  validateCK8sControlPlaneTemplate,
} from './ck8scontrolplane';
import { expectFieldErrors as expectErrors } from './expect-field-errors';
import type { ExpectedFieldError as Expected } from './expect-field-errors';

function controlPlane(overrides: Partial<NonNullable<CK8sControlPlane['spec']>> = {}): CK8sControlPlane {
  return {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
    kind: 'CK8sControlPlane',
    metadata: { name: 'prod-control-plane', namespace: 'prod' },
    spec: {
      replicas: 3,
      version: 'v1.33.2',
      machineTemplate: {
        infrastructureTemplate: {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'AWSMachineTemplate',
          name: 'prod-control-plane',
        },
      },
      spec: { controlPlane: { cloudProvider: 'external' } },
      ...overrides,
    },
  };
}

function withConfig(config: NonNullable<NonNullable<CK8sControlPlane['spec']>['spec']>): CK8sControlPlane {
  return controlPlane({ spec: config });
}

const external = { controlPlane: { datastoreType: 'external', datastoreServersSecretRef: { name: 'prod-etcd-servers', key: 'servers' } } };

describe('validateCK8sControlPlane on create', () => {
  it.each<[string, CK8sControlPlane, Expected[]]>([
    ['a typical HA control plane', controlPlane(), []],
    ['one replica', controlPlane({ replicas: 1 }), []],
    ['no replicas (defaulted to 1)', controlPlane({ replicas: undefined }), []],
    ['zero replicas', controlPlane({ replicas: 0 }), [{ field: 'spec.replicas', type: 'Invalid', value: 0, message: 'must be at least 1' }]],
    [
      'an even count with managed etcd',
      controlPlane({ replicas: 4 }),
      [{ field: 'spec.replicas', type: 'Invalid', value: 4, message: 'must be odd when the control plane runs the etcd datastore' }],
    ],
    ['an even count with an external datastore', controlPlane({ replicas: 2, spec: external }), []],
    ['maxSurge 1', controlPlane({ rolloutStrategy: { rollingUpdate: { maxSurge: 1 } } }), []],
    ['maxSurge 0 with 3 replicas', controlPlane({ rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } }), []],
    [
      'maxSurge 0 with 1 replica',
      controlPlane({ replicas: 1, rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } }),
      [{ field: 'spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Forbidden', value: 0, message: 'may be 0 only with at least 3 replicas (have 1)' }],
    ],
    [
      'maxSurge 2',
      controlPlane({ rolloutStrategy: { rollingUpdate: { maxSurge: 2 } } }),
      [{ field: 'spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Invalid', value: 2, message: 'must be 0 or 1' }],
    ],
    [
      'maxSurge as a percentage',
      controlPlane({ rolloutStrategy: { rollingUpdate: { maxSurge: '100%' } } }),
      [{ field: 'spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Invalid', value: '100%' }],
    ],
    ['a version without v', controlPlane({ version: '1.33.2' }), [{ field: 'spec.version', type: 'Invalid', message: 'leading "v"' }]],
    [
      'no machine template',
      controlPlane({ machineTemplate: undefined }),
      [{ field: 'spec.machineTemplate.infrastructureTemplate', type: 'Required', message: 'must reference the infrastructure machine template to clone' }],
    ],
    [
      'an incomplete infrastructure template reference',
      controlPlane({ machineTemplate: { infrastructureTemplate: { name: 'x' } } }),
      [
        { field: 'spec.machineTemplate.infrastructureTemplate.apiVersion', type: 'Required' },
        { field: 'spec.machineTemplate.infrastructureTemplate.kind', type: 'Required' },
      ],
    ],
    [
      'an infrastructure template in another namespace (ClusterClass shares templates)',
      controlPlane({ machineTemplate: { infrastructureTemplate: { apiVersion: 'a/v1', kind: 'K', name: 'x', namespace: 'classes' } } }),
      [],
    ],
    [
      'valid machine timeouts',
      controlPlane({
        machineTemplate: {
          infrastructureTemplate: { apiVersion: 'a/v1', kind: 'K', name: 'x', namespace: 'prod' },
          nodeDrainTimeout: '5m',
          nodeVolumeDetachTimeout: '0s',
          nodeDeletionTimeout: '1h30m',
        },
      }),
      [],
    ],
    [
      'invalid machine timeouts',
      controlPlane({
        machineTemplate: { infrastructureTemplate: { apiVersion: 'a/v1', kind: 'K', name: 'x' }, nodeDrainTimeout: '5 minutes', nodeDeletionTimeout: '-1s' },
      }),
      [
        { field: 'spec.machineTemplate.nodeDrainTimeout', type: 'Invalid', message: 'must be a non-negative duration such as 30s, 10m or 1h30m' },
        { field: 'spec.machineTemplate.nodeDeletionTimeout', type: 'Invalid' },
      ],
    ],
    ['a remediation strategy', controlPlane({ remediationStrategy: { maxRetry: 5, retryPeriod: '2m', minHealthyPeriod: '2h' } }), []],
    [
      'remediation periods that are not durations',
      controlPlane({ remediationStrategy: { retryPeriod: '2', minHealthyPeriod: 'one hour' } }),
      [
        { field: 'spec.remediationStrategy.retryPeriod', type: 'Invalid' },
        { field: 'spec.remediationStrategy.minHealthyPeriod', type: 'Invalid' },
      ],
    ],
    [
      'the embedded config spec rules',
      withConfig({ channel: 'stable', localPath: '/snaps', additionalUserData: { runcmd: '[]' } }),
      [
        { field: 'spec.spec.localPath', type: 'Forbidden' },
        { field: 'spec.spec.additionalUserData.runcmd', type: 'Forbidden' },
      ],
    ],
  ])('%s', (_name, object, expected) => expectErrors(validateCK8sControlPlane(object), expected));

  it.each<[string, unknown, Expected[]]>([
    ['no spec at all', { metadata: { name: 'x' } }, [{ field: 'spec', type: 'Required', message: 'must be set' }]],
    ['a missing version', { spec: { replicas: 1 } }, [{ field: 'spec.version', type: 'Required', message: 'must be set' }]],
    ['replicas as a string', { spec: { version: 'v1.33.0', replicas: '3' } }, [{ field: 'spec.replicas', type: 'Invalid', message: 'must be of type integer' }]],
    [
      'an unsupported snap store scheme',
      { spec: { version: 'v1.33.0', spec: { snapstoreProxyScheme: 'ftp' } } },
      [{ field: 'spec.spec.snapstoreProxyScheme', type: 'NotSupported', value: 'ftp', message: 'supported values: "http", "https"' }],
    ],
    [
      'a maxSurge that is neither integer nor string',
      { spec: { version: 'v1.33.0', rolloutStrategy: { rollingUpdate: { maxSurge: true } } } },
      [{ field: 'spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Invalid', message: 'must be an integer or a string' }],
    ],
    [
      'a file without path and a bad encoding',
      { spec: { version: 'v1.33.0', spec: { files: [{ content: 'x', encoding: 'zip' }] } } },
      [
        { field: 'spec.spec.files[0].path', type: 'Required' },
        { field: 'spec.spec.files[0].encoding', type: 'NotSupported', message: '"base64", "gzip", "gzip+base64"' },
      ],
    ],
    [
      'a rolloutAfter that is not a time',
      { spec: { version: 'v1.33.0', rolloutAfter: 'tomorrow' } },
      [{ field: 'spec.rolloutAfter', type: 'Invalid', message: 'must be a valid date-time' }],
    ],
    [
      'an argument value that is a number',
      { spec: { version: 'v1.33.0', spec: { extraKubeletArgs: { '--max-pods': 110 } } } },
      [{ field: 'spec.spec.extraKubeletArgs[--max-pods]', type: 'Invalid', message: 'must be of type string' }],
    ],
  ])('reports the schema error for %s', (_name, object, expected) =>
    expectErrors(validateCK8sControlPlane(object), expected),
  );

  it('accepts null argument values, which remove an argument', () => {
    expect(validateCK8sControlPlane(withConfig({ extraKubeletArgs: { '--anonymous-auth': null } }))).toEqual([]);
  });
});

describe('validateCK8sControlPlane on update', () => {
  const old = controlPlane();
  it.each<[string, CK8sControlPlane, Expected[]]>([
    ['no change', controlPlane(), []],
    ['a patch upgrade', controlPlane({ version: 'v1.33.5' }), []],
    ['a minor upgrade', controlPlane({ version: 'v1.34.0' }), []],
    [
      'a minor version skipped',
      controlPlane({ version: 'v1.35.0' }),
      [{ field: 'spec.version', type: 'Forbidden', value: 'v1.35.0', message: 'cannot upgrade from v1.33.2 by more than one minor version: upgrade to v1.34 first' }],
    ],
    [
      'a downgrade',
      controlPlane({ version: 'v1.33.1' }),
      [{ field: 'spec.version', type: 'Forbidden', value: 'v1.33.1', message: 'cannot downgrade from v1.33.2' }],
    ],
    ['a major version change', controlPlane({ version: 'v2.0.0' }), [{ field: 'spec.version', type: 'Forbidden' }]],
    ['scaling to 5', controlPlane({ replicas: 5 }), []],
    ['scaling to 2 with managed etcd', controlPlane({ replicas: 2 }), [{ field: 'spec.replicas', type: 'Invalid' }]],
    [
      'rollout and remediation settings, machine template and rollout-safe config fields',
      controlPlane({
        rolloutAfter: '2026-12-01T00:00:00Z',
        rolloutStrategy: { rollingUpdate: { maxSurge: 0 } },
        remediationStrategy: { maxRetry: 3 },
        machineTemplate: {
          metadata: { labels: { tier: 'cp' } },
          infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'AWSMachineTemplate', name: 'prod-cp-v2' },
          nodeDrainTimeout: '10m',
        },
        spec: {
          channel: '1.33-classic/edge',
          files: [{ path: '/etc/motd', content: 'hi' }],
          preRunCommands: ['echo hi'],
          extraKubeletArgs: { '--max-pods': '200' },
          controlPlane: { cloudProvider: 'external', extraSANs: ['api.prod.example'], extraKubeAPIServerArgs: { '--v': '2' } },
        },
      }),
      [],
    ],
    [
      'settings used only when the cluster is set up',
      withConfig({
        initConfig: { enableDefaultIngress: true },
        bootstrapConfig: { content: 'x' },
        controlPlane: { cloudProvider: 'aws', nodeTaints: ['a:NoSchedule'], etcdPort: 12379, microclusterPort: 12380 },
      }),
      [
        { field: 'spec.spec.controlPlane.cloudProvider', type: 'Forbidden', message: 'cannot be changed after creation: the cluster was set up with the current value' },
        { field: 'spec.spec.controlPlane.nodeTaints', type: 'Forbidden' },
        { field: 'spec.spec.controlPlane.etcdPort', type: 'Forbidden' },
        { field: 'spec.spec.controlPlane.microclusterPort', type: 'Forbidden' },
        { field: 'spec.spec.initConfig', type: 'Forbidden' },
        { field: 'spec.spec.bootstrapConfig', type: 'Forbidden' },
      ],
    ],
    [
      'switching to an external datastore',
      withConfig({ controlPlane: { cloudProvider: 'external', ...external.controlPlane } }),
      [
        { field: 'spec.spec.controlPlane.datastoreType', type: 'Forbidden' },
        { field: 'spec.spec.controlPlane.datastoreServersSecretRef', type: 'Forbidden' },
      ],
    ],
  ])('%s', (_name, object, expected) => expectErrors(validateCK8sControlPlane(object, old), expected));

  it('treats an emptied map like an absent one', () => {
    const before = withConfig({ controlPlane: { cloudProvider: 'external' }, initConfig: {} });
    expect(validateCK8sControlPlane(withConfig({ controlPlane: { cloudProvider: 'external' } }), before)).toEqual([]);
  });

  it('lets an object stored before a rule existed be updated, unless the offending value changes', () => {
    const legacy = withConfig({ additionalUserData: { runcmd: '["echo legacy"]' }, controlPlane: { cloudProvider: 'external' } });
    const scaled = { ...legacy, spec: { ...legacy.spec!, replicas: 5 } };
    expect(validateCK8sControlPlane(scaled, legacy)).toEqual([]);
    const edited = withConfig({ additionalUserData: { runcmd: '["echo other"]' }, controlPlane: { cloudProvider: 'external' } });
    expectErrors(validateCK8sControlPlane(edited, legacy), [{ field: 'spec.spec.additionalUserData.runcmd', type: 'Forbidden' }]);
  });
});

describe('validateCK8sControlPlaneScale', () => {
  it.each<[string, number, CK8sControlPlane, Expected[]]>([
    ['to 5 with managed etcd', 5, controlPlane(), []],
    ['to 4 with managed etcd', 4, controlPlane(), [{ field: 'spec.replicas', type: 'Invalid', value: 4 }]],
    ['to 4 with an external datastore', 4, withConfig(external), []],
    ['to 0', 0, withConfig(external), [{ field: 'spec.replicas', type: 'Invalid', message: 'must be at least 1' }]],
    [
      'to 1 with maxSurge 0',
      1,
      controlPlane({ rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } }),
      [{ field: 'spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Forbidden' }],
    ],
  ])('scaling %s', (_name, replicas, object, expected) =>
    expectErrors(validateCK8sControlPlaneScale(replicas, object), expected),
  );
});

describe('validateCK8sControlPlaneTemplate', () => {
  function template(spec: NonNullable<CK8sControlPlaneTemplate['spec']>['template']['spec']): CK8sControlPlaneTemplate {
    return {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'CK8sControlPlaneTemplate',
      metadata: { name: 'ck8s-cp', namespace: 'classes' },
      spec: { template: { spec } },
    };
  }
  const base = template({ spec: { nodeName: '{{ ds.meta_data.local_hostname }}' }, rolloutStrategy: { rollingUpdate: { maxSurge: 1 } } });

  it.each<[string, CK8sControlPlaneTemplate, Expected[]]>([
    ['a valid template', base, []],
    ['maxSurge 0 (replica count comes from the Cluster)', template({ rolloutStrategy: { rollingUpdate: { maxSurge: 0 } } }), []],
    ['maxSurge 3', template({ rolloutStrategy: { rollingUpdate: { maxSurge: 3 } } }), [{ field: 'spec.template.spec.rolloutStrategy.rollingUpdate.maxSurge', type: 'Invalid' }]],
    ['a machine template without kind', template({ machineTemplate: { infrastructureTemplate: { apiVersion: 'a/v1', name: 'x' } } }), [{ field: 'spec.template.spec.machineTemplate.infrastructureTemplate.kind', type: 'Required' }]],
    ['config spec rules', template({ spec: { files: [{ path: 'relative' }] } }), [{ field: 'spec.template.spec.spec.files[0].path', type: 'Invalid' }]],
    ['a bad remediation period', template({ remediationStrategy: { retryPeriod: 'soon' } }), [{ field: 'spec.template.spec.remediationStrategy.retryPeriod', type: 'Invalid' }]],
  ])('on create: %s', (_name, object, expected) => expectErrors(validateCK8sControlPlaneTemplate(object), expected));

  it('requires spec.template', () => {
    expectErrors(validateCK8sControlPlaneTemplate({ metadata: { name: 'x' } }), [{ field: 'spec.template', type: 'Required', message: 'must be set' }]);
  });

  it('rejects any change of the template on update', () => {
    const changed = template({ spec: { nodeName: 'other' }, rolloutStrategy: { rollingUpdate: { maxSurge: 1 } } });
    expectErrors(validateCK8sControlPlaneTemplate(changed, base), [
      { field: 'spec.template.spec', type: 'Forbidden', message: 'templates are immutable: create a new template' },
    ]);
  });

  it('allows changes of a ClusterClass topology dry run', () => {
    const changed = template({ spec: { nodeName: 'other' } });
    expect(validateCK8sControlPlaneTemplate(changed, base, { topologyDryRun: true })).toEqual([]);
  });

  it('allows metadata-only updates such as new labels on the template object', () => {
    const relabelled = { ...base, metadata: { ...base.metadata, labels: { owner: 'team-a' } } };
    expect(validateCK8sControlPlaneTemplate(relabelled, base)).toEqual([]);
  });
});

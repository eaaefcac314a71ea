import type { CK8sConfig, CK8sConfigTemplate } from '../schema/ck8sconfig';
import { validateCK8sConfig, validateCK8sConfigTemplate } from './ck8sconfig';
import { expectFieldErrors } from './expect-field-errors';
import { isTopologyDryRunRequest } from './immutability';

function config(spec: CK8sConfig['spec'], status?: CK8sConfig['status']): CK8sConfig {
  return {
    apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
    kind: 'CK8sConfig',
    metadata: { name: 'worker-abc12', namespace: 'prod' },
    spec,
    ...(status ? { status } : {}),
  };
}

const generated = { dataSecretName: 'worker-abc12', initialization: { dataSecretCreated: true }, ready: true };

describe('validateCK8sConfig', () => {
  it('accepts a worker config with kubelet arguments and files', () => {
    expect(
      validateCK8sConfig(
        config({
          nodeName: '{{ ds.meta_data.local_hostname }}',
          extraKubeletArgs: { '--provider-id': 'aws:///{{ ds.meta_data.placement.availability_zone }}/{{ ds.meta_data.instance_id }}' },
          files: [{ path: '/capi/images/platform', content: 'linux/amd64' }],
        }),
      ),
    ).toEqual([]);
  });

  it('reports the spec rules at spec.*', () => {
    expectFieldErrors(validateCK8sConfig(config({ channel: 'latest', additionalUserData: { write_files: '[]' } })), [
      { field: 'spec.channel', type: 'Invalid' },
      { field: 'spec.additionalUserData.write_files', type: 'Forbidden' },
    ]);
  });

  it('leaves the spec of a config a CK8sControlPlane controls to the control plane validation', () => {
    const owner = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'CK8sControlPlane', name: 'cp', uid: 'u' };
    const copied = { ...config({ additionalUserData: { runcmd: '[]' } }), metadata: { name: 'cp-x', ownerReferences: [{ ...owner, controller: true }] } };
    expect(validateCK8sConfig(copied)).toEqual([]);
    const referencedOnly = { ...copied, metadata: { name: 'cp-x', ownerReferences: [owner] } };
    expectFieldErrors(validateCK8sConfig(referencedOnly), [{ field: 'spec.additionalUserData.runcmd', type: 'Forbidden' }]);
  });

  it('reports schema errors alone when the object is malformed', () => {
    expectFieldErrors(validateCK8sConfig({ spec: { files: 'not a list', channel: 'latest' } }), [
      { field: 'spec.files', type: 'Invalid', message: 'must be of type array' },
    ]);
  });

  it.each<[string, CK8sConfig, CK8sConfig, string[]]>([
    ['before the data secret exists, anything', config({ channel: 'stable' }), config({ channel: 'edge', nodeName: 'n' }), []],
    ['after, the version may be filled in', config({}, generated), config({ version: 'v1.33.2' }, generated), []],
    ['after, a set version is frozen', config({ version: 'v1.33.2' }, generated), config({ version: 'v1.33.3' }, generated), ['spec.version']],
    ['after, the rest is frozen', config({ channel: 'stable' }, generated), config({ channel: 'edge', nodeName: 'n' }, generated), ['spec.channel', 'spec.nodeName']],
    ['after (v1beta1 ready only), the rest is frozen', config({}, { ready: true }), config({ airGapped: true }, { ready: true }), ['spec.airGapped']],
  ])('on update %s', (_name, old, updated, forbiddenFields) => {
    expectFieldErrors(
      validateCK8sConfig(updated, old),
      forbiddenFields.map((field) => ({
        field,
        type: 'Forbidden',
        message: 'cannot be changed once the bootstrap data secret has been generated',
      })),
    );
  });
});

describe('validateCK8sConfigTemplate', () => {
  function template(spec: NonNullable<CK8sConfigTemplate['spec']>['template']['spec'], annotations?: Record<string, string>): CK8sConfigTemplate {
    return {
      apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
      kind: 'CK8sConfigTemplate',
      metadata: { name: 'workers', namespace: 'prod', ...(annotations ? { annotations } : {}) },
      spec: { template: { spec } },
    };
  }

  it('applies the spec rules at spec.template.spec', () => {
    expectFieldErrors(validateCK8sConfigTemplate(template({ httpProxy: 'proxy:3128' })), [
      { field: 'spec.template.spec.httpProxy', type: 'Invalid' },
    ]);
  });

  it('accepts a template without spec', () => {
    expect(validateCK8sConfigTemplate({ spec: { template: {} } })).toEqual([]);
  });

  it('rejects changes of the template', () => {
    expectFieldErrors(validateCK8sConfigTemplate(template({ channel: 'edge' }), template({ channel: 'stable' })), [
      { field: 'spec.template.spec', type: 'Forbidden', message: 'templates are immutable' },
    ]);
  });

  it('rejects new template metadata', () => {
    const old = template({});
    const relabelled: CK8sConfigTemplate = { ...old, spec: { template: { metadata: { labels: { a: 'b' } }, spec: {} } } };
    expectFieldErrors(validateCK8sConfigTemplate(relabelled, old), [{ field: 'spec.template.metadata', type: 'Forbidden' }]);
  });

  it('lets a ClusterClass topology dry run change the template', () => {
    expect(validateCK8sConfigTemplate(template({ channel: 'edge' }), template({ channel: 'stable' }), { topologyDryRun: true })).toEqual([]);
  });
});

describe('isTopologyDryRunRequest', () => {
  const annotated = { metadata: { annotations: { 'topology.cluster.x-k8s.io/dry-run': '' } } };
  it.each<[string, boolean | undefined, { metadata?: { annotations?: Record<string, string> } } | undefined, boolean]>([
    ['a dry run of an annotated object', true, annotated, true],
    ['a real request of an annotated object', false, annotated, false],
    ['a request without dryRun', undefined, annotated, false],
    ['a dry run of an object without the annotation', true, { metadata: { annotations: { other: '' } } }, false],
    ['a dry run without object', true, undefined, false],
  ])('is %s: %s', (_name, dryRun, object, expected) => {
    expect(isTopologyDryRunRequest(dryRun, object)).toBe(expected);
  });
});

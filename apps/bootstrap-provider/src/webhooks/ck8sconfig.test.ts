import { type AdmissionRequest, runDefaulter, runValidator } from '@capi-ck8s/runtime';
import type { CK8sConfigObject, CK8sConfigTemplateObject } from '../kinds';
import { config } from '../test-support/objects';
import { configDefaulter, configValidator, templateDefaulter, templateValidator } from './ck8sconfig';

function request<T extends CK8sConfigObject | CK8sConfigTemplateObject>(operation: 'CREATE' | 'UPDATE', object: T, oldObject?: T, dryRun = false): AdmissionRequest<T> {
  return {
    uid: 'uid-1',
    kind: { group: 'bootstrap.cluster.x-k8s.io', version: 'v1beta2', kind: object.kind ?? '' },
    resource: { group: 'bootstrap.cluster.x-k8s.io', version: 'v1beta2', resource: 'ck8sconfigs' },
    name: object.metadata.name ?? '',
    namespace: 'ns',
    operation,
    object,
    ...(oldObject ? { oldObject } : {}),
    dryRun,
  };
}

function template(channel: string, annotations?: Record<string, string>): CK8sConfigTemplateObject {
  return {
    apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
    kind: 'CK8sConfigTemplate',
    metadata: { name: 'workers', namespace: 'ns', ...(annotations ? { annotations } : {}) },
    spec: { template: { spec: { channel } } },
  };
}

describe('CK8sConfig validation webhook', () => {
  it('denies a bad spec with every field error, in the 422 Invalid form kubectl prints', async () => {
    const bad = config({ spec: { version: '1.33', channel: 'edge', revision: 'x', files: [{ path: 'relative', content: 'a' }] } });
    const response = await runValidator(request('CREATE', bad), configValidator);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(422);
    const fields = response.status?.details?.causes?.map((cause) => cause.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.version', 'spec.revision', 'spec.files[0].path']));
    expect(response.status?.message).toMatch(/^CK8sConfig.bootstrap.cluster.x-k8s.io "node-0" is invalid: \[/);
  });

  it('forbids changing the spec once bootstrap data exists, but lets an empty version be filled', async () => {
    const generated = config({ spec: {}, status: { dataSecretName: 'node-0', ready: true } });
    const versionFilled: CK8sConfigObject = { ...generated, spec: { version: 'v1.33.2' } };
    expect((await runValidator(request('UPDATE', versionFilled, generated), configValidator)).allowed).toBe(true);
    const changed: CK8sConfigObject = { ...generated, spec: { channel: '1.33-classic/edge' } };
    const response = await runValidator(request('UPDATE', changed, generated), configValidator);
    expect(response.status?.details?.causes).toEqual([expect.objectContaining({ field: 'spec.channel', reason: 'FieldValueForbidden' })]);
  });

  it('answers with a JSON patch adding the default snap store proxy scheme', async () => {
    const response = await runDefaulter(request('CREATE', config()), configDefaulter);
    expect(JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString())).toEqual([{ op: 'add', path: '/spec/snapstoreProxyScheme', value: 'http' }]);
  });
});

describe('CK8sConfigTemplate validation webhook', () => {
  it('forbids template changes', async () => {
    const response = await runValidator(request('UPDATE', template('1.33-classic/edge'), template('1.33-classic/stable')), templateValidator);
    expect(response.allowed).toBe(false);
    expect(response.status?.details?.causes?.[0]).toMatchObject({ field: 'spec.template.spec', reason: 'FieldValueForbidden' });
  });

  it('defaults the spec inside the template', async () => {
    const response = await runDefaulter(request('CREATE', template('1.33-classic/edge')), templateDefaulter);
    expect(JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString())).toEqual([{ op: 'add', path: '/spec/template/spec/snapstoreProxyScheme', value: 'http' }]);
  });

  it('lets ClusterClass topology dry runs change templates', async () => {
    const dryRun = template('1.33-classic/edge', { 'topology.cluster.x-k8s.io/dry-run': '' });
    const response = await runValidator(request('UPDATE', dryRun, template('1.33-classic/stable'), true), templateValidator);
    expect(response.allowed).toBe(true);
  });
});

import { CK8sConfig } from '../schema/ck8sconfig';
import { CK8sControlPlane } from '../schema/ck8scontrolplane';
import { schemaErrors, withSchemaDefaults } from './schema-validation';

describe('withSchemaDefaults', () => {
  it('fills the CRD defaults where their parent exists, like the apiserver', () => {
    const defaulted = withSchemaDefaults(CK8sControlPlane, { spec: { version: 'v1.33.0', spec: {} } });
    expect(defaulted).toEqual({
      spec: { version: 'v1.33.0', spec: { snapstoreProxyScheme: 'http' }, rolloutStrategy: { rollingUpdate: { maxSurge: 1 } } },
    });
  });

  it('keeps values that are set and does not create missing parents', () => {
    const input = { spec: { version: 'v1.33.0', rolloutStrategy: {} } };
    expect(withSchemaDefaults(CK8sControlPlane, input)).toEqual(input);
    expect(withSchemaDefaults(CK8sConfig, {})).toEqual({});
  });

  it('leaves its argument untouched', () => {
    const input = { spec: {} };
    withSchemaDefaults(CK8sConfig, input);
    expect(input).toEqual({ spec: {} });
  });
});

describe('schemaErrors', () => {
  it('returns nothing for a well-formed object', () => {
    expect(schemaErrors(CK8sConfig, { spec: { files: [{ path: '/a' }] } })).toEqual([]);
  });

  it('roots paths where asked and names array items and map keys', () => {
    expect(
      schemaErrors(CK8sConfig, { spec: { files: [{ path: '/a' }, { path: 3 }], extraKubeletArgs: { '--v': 2 } } }, 'object'),
    ).toEqual([
      { field: 'object.spec.files[1].path', type: 'Invalid', message: 'must be of type string', value: 3 },
      { field: 'object.spec.extraKubeletArgs[--v]', type: 'Invalid', message: 'must be of type string', value: 2 },
    ]);
  });

  it('reports each missing required field', () => {
    expect(schemaErrors(CK8sConfig, { spec: { files: [{}], bootstrapConfig: { contentFrom: { secret: {} } } } })).toEqual([
      { field: 'spec.files[0].path', type: 'Required', message: 'must be set' },
      { field: 'spec.bootstrapConfig.contentFrom.secret.name', type: 'Required', message: 'must be set' },
      { field: 'spec.bootstrapConfig.contentFrom.secret.key', type: 'Required', message: 'must be set' },
    ]);
  });
});

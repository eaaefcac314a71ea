import { child, formatFieldError, formatFieldErrors, forbidden, invalid, item, notSupported, required } from './field-errors';
import { valueAtField } from './immutability';

describe('field paths', () => {
  it.each([
    [child('', 'spec'), 'spec'],
    [child('spec', 'files'), 'spec.files'],
    [item(child('spec', 'files'), 2), 'spec.files[2]'],
    [child('spec.extraKubeletArgs', '--max-pods'), 'spec.extraKubeletArgs[--max-pods]'],
    [child('spec', 'ExtraK8sAPIServerProxyArgs'), 'spec.ExtraK8sAPIServerProxyArgs'],
  ])('builds %s', (built, expected) => {
    expect(built).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['spec.files[1].path', '/b'],
    ['spec.extraKubeletArgs[--max-pods]', '110'],
    ['spec.missing.deeper', undefined],
    ['spec.files[5]', undefined],
  ])('finds the value at %s', (field, expected) => {
    const object = { spec: { files: [{ path: '/a' }, { path: '/b' }], extraKubeletArgs: { '--max-pods': '110' } } };
    expect(valueAtField(object, field)).toEqual(expected);
  });
});

describe('formatting like Kubernetes', () => {
  it.each([
    [invalid('spec.replicas', 2, 'must be odd'), 'spec.replicas: Invalid value: 2: must be odd'],
    [required('spec.version', 'must be set'), 'spec.version: Required value: must be set'],
    [forbidden('spec.spec.initConfig', 'is immutable'), 'spec.spec.initConfig: Forbidden: is immutable'],
    [notSupported('spec.x', 'ftp', ['http', 'https']), 'spec.x: Unsupported value: "ftp": supported values: "http", "https"'],
  ])('prints %j', (error, expected) => {
    expect(formatFieldError(error)).toBe(expected);
  });

  it('joins several errors in brackets and leaves one alone', () => {
    const one = required('a', 'must be set');
    const two = required('b', 'must be set');
    expect(formatFieldErrors([one])).toBe('a: Required value: must be set');
    expect(formatFieldErrors([one, two])).toBe('[a: Required value: must be set, b: Required value: must be set]');
  });
});

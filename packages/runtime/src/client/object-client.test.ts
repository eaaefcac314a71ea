import { deleteOptionsBody } from './object-client';

describe('deleteOptionsBody', () => {
  it.each([
    ['no options leave the body out', {}, undefined],
    ['preconditions without values leave the body out', { preconditions: {} }, undefined],
    ['a propagation policy alone', { propagationPolicy: 'Foreground' as const }, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }],
    ['a uid precondition', { preconditions: { uid: 'u-1' } }, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'u-1' } }],
    [
      'both preconditions with a policy',
      { propagationPolicy: 'Background' as const, preconditions: { uid: 'u-1', resourceVersion: '42' } },
      { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid: 'u-1', resourceVersion: '42' } },
    ],
  ])('%s', (_case, options, body) => {
    expect(deleteOptionsBody(options)).toEqual(body);
  });
});

import { controllerOf, isControlledBy, withControllerReference, withOwnerReference } from './ownership';
import { kindRef, type KubeObject } from './objects';
import { object } from './testing/objects';

const owner = (name: string, apiVersion = 'bootstrap.cluster.x-k8s.io/v1beta2'): KubeObject => ({
  apiVersion,
  kind: 'CK8sConfig',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
});

describe('owner references', () => {
  it('adds a controller reference with blockOwnerDeletion', () => {
    const owned = withControllerReference(object('secret'), owner('a'));
    expect(owned.metadata.ownerReferences).toEqual([
      { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'CK8sConfig', name: 'a', uid: 'uid-a', controller: true, blockOwnerDeletion: true },
    ]);
    expect(isControlledBy(owned, owner('a'))).toBe(true);
  });

  it('replaces a reference to the same owner under another version instead of duplicating it', () => {
    const first = withControllerReference(object('secret'), owner('a', 'bootstrap.cluster.x-k8s.io/v1beta1'));
    const second = withControllerReference(first, owner('a'));
    expect(second.metadata.ownerReferences).toHaveLength(1);
    expect(second.metadata.ownerReferences?.[0]?.apiVersion).toBe('bootstrap.cluster.x-k8s.io/v1beta2');
  });

  it('refuses to take over an object another owner controls', () => {
    expect(() => withControllerReference(withControllerReference(object('s'), owner('a')), owner('b'))).toThrow(/already controlled by CK8sConfig a/);
  });

  it('adds a plain owner reference next to a controller one', () => {
    const owned = withOwnerReference(withControllerReference(object('s'), owner('a')), owner('b'));
    expect(owned.metadata.ownerReferences?.map((ref) => [ref.name, ref.controller ?? false])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('finds the controller of a given kind in any version of its group', () => {
    const owned = withControllerReference(object('s'), owner('a', 'bootstrap.cluster.x-k8s.io/v1beta1'));
    expect(controllerOf(owned, kindRef('bootstrap.cluster.x-k8s.io/v1beta2', 'CK8sConfig'))?.name).toBe('a');
    expect(controllerOf(owned, kindRef('cluster.x-k8s.io/v1beta2', 'CK8sConfig'))).toBeUndefined();
  });
});

import { object } from '../testing/objects';
import { CLUSTER_NAME_INDEX, CLUSTER_NAME_LABEL, OWNER_UID_INDEX, Store } from './store';

const owner = (uid: string) => ({ apiVersion: 'v1', kind: 'Owner', name: uid, uid, controller: true });

describe('Store', () => {
  it('reports add, then update on a new resourceVersion, and nothing for the same resourceVersion', () => {
    const store = new Store();
    expect(store.upsert(object('a'))?.type).toBe('add');
    expect(store.upsert(object('a'))).toBeUndefined();
    const change = store.upsert(object('a', { resourceVersion: '2' }));
    expect(change?.type).toBe('update');
    expect(change?.type === 'update' && change.old.metadata.resourceVersion).toBe('1');
  });

  it('hands out frozen objects without managedFields', () => {
    const store = new Store();
    store.upsert({ ...object('a'), metadata: { ...object('a').metadata, managedFields: [{ manager: 'x' }] } });
    const stored = store.get({ namespace: 'ns', name: 'a' })!;
    expect(stored.metadata.managedFields).toBeUndefined();
    expect(Object.isFrozen(stored.metadata)).toBe(true);
  });

  it('keeps the owner-UID and cluster-name indexes in step with updates and deletes', () => {
    const store = new Store();
    store.upsert(object('a', { owners: [owner('o1')], labels: { [CLUSTER_NAME_LABEL]: 'c1' } }));
    store.upsert(object('b', { owners: [owner('o1')] }));
    expect(store.byIndex(OWNER_UID_INDEX, 'o1').map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    expect(store.byIndex(CLUSTER_NAME_INDEX, 'ns/c1').map((o) => o.metadata.name)).toEqual(['a']);
    store.upsert(object('a', { resourceVersion: '2', owners: [owner('o2')] }));
    expect(store.byIndex(OWNER_UID_INDEX, 'o1').map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.byIndex(CLUSTER_NAME_INDEX, 'ns/c1')).toEqual([]);
    store.remove(object('b'));
    expect(store.byIndex(OWNER_UID_INDEX, 'o1')).toEqual([]);
  });

  it('builds a custom index over objects already stored', () => {
    const store = new Store();
    store.upsert(object('a', { labels: { role: 'x' } }));
    store.addIndex('role', (o) => (o.metadata.labels?.['role'] ? [o.metadata.labels['role']] : []));
    expect(store.byIndex('role', 'x')).toHaveLength(1);
    expect(() => store.byIndex('missing', 'x')).toThrow(/index "missing" is not defined/);
  });

  it('replace reports exactly the differences: deletes for vanished objects, adds, updates', () => {
    const store = new Store();
    store.upsert(object('keep'));
    store.upsert(object('change'));
    store.upsert(object('gone'));
    const changes = store.replace([object('keep'), object('change', { resourceVersion: '5' }), object('new')]);
    expect(changes.map((c) => `${c.type}:${c.object.metadata.name}`)).toEqual(['delete:gone', 'update:change', 'add:new']);
  });
});

import { pino } from 'pino';
import type { ResourceMapper } from '../client/resources';
import { kindId, kindRef } from '../objects';
import { Cache } from './cache';
import type { ListWatchTransport } from './list-watch';

const SECRET = kindRef('v1', 'Secret');

function newCache(selectors = new Map()) {
  return new Cache({ transport: {} as ListWatchTransport, resources: {} as ResourceMapper, logger: pino({ level: 'silent' }), selectors });
}

describe('Cache', () => {
  it('shares one informer per kind', () => {
    const cache = newCache();
    expect(cache.informerFor(kindRef('v1', 'ConfigMap'))).toBe(cache.informerFor(kindRef('v1', 'ConfigMap')));
  });

  it('refuses to cache Secrets without a selector, and accepts them with one', () => {
    expect(() => newCache().informerFor(SECRET)).toThrow(/cached only with a label or field selector/);
    expect(newCache(new Map([[kindId(SECRET), { labelSelector: 'cluster.x-k8s.io/cluster-name' }]])).informerFor(SECRET)).toBeDefined();
  });

  it('names undeclared and unsynced kinds in read errors', () => {
    const cache = newCache();
    expect(() => cache.get(kindRef('v1', 'Pod'), { name: 'p' })).toThrow('v1, Kind=Pod is not cached');
    cache.informerFor(kindRef('v1', 'Pod'));
    expect(() => cache.list(kindRef('v1', 'Pod'))).toThrow('cache of v1, Kind=Pod has not synced yet');
  });
});

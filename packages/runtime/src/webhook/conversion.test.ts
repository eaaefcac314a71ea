import type { KubeObject } from '../objects';
import { review } from './conversion';

const widget = (name: string, apiVersion = 'example.com/v1'): KubeObject & { spec: Record<string, unknown> } => ({
  apiVersion,
  kind: 'Widget',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { size: 1 },
});

const toV2 = (object: KubeObject): KubeObject => ({ ...object, apiVersion: 'example.com/v2' });

describe('conversion review', () => {
  it('converts every object, in order, keeping identity', async () => {
    const result = await review({ uid: 'u', desiredAPIVersion: 'example.com/v2', objects: [widget('a'), widget('b'), widget('c', 'example.com/v2')] }, toV2);
    expect(result.response?.result).toEqual({ status: 'Success' });
    expect(result.response?.uid).toBe('u');
    expect(result.response?.convertedObjects?.map((o) => [o.metadata.name, o.apiVersion])).toEqual([
      ['a', 'example.com/v2'],
      ['b', 'example.com/v2'],
      ['c', 'example.com/v2'],
    ]);
  });

  it.each([
    ['throws', () => {
      throw new Error('spec.size cannot be represented');
    }, 'object 0 (Widget ns/a): spec.size cannot be represented'],
    ['forgets the apiVersion', (object: KubeObject) => object, 'object 0 (Widget ns/a): converted apiVersion is example.com/v1, want example.com/v2'],
    ['renames the object', (object: KubeObject) => ({ ...toV2(object), metadata: { ...object.metadata, name: 'other' } }), 'object 0 (Widget ns/a): metadata.name changed during conversion'],
  ])('fails the whole review when the converter %s', async (_case, converter, message) => {
    const result = await review({ uid: 'u', desiredAPIVersion: 'example.com/v2', objects: [widget('a'), widget('b')] }, converter);
    expect(result.response).toEqual({ uid: 'u', result: { status: 'Failure', message } });
  });
});

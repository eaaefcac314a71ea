import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSimCrdFiles, simCrds } from './crds';

const folder = fileURLToPath(new URL('crds/', import.meta.url));

describe('the simulated infrastructure CRDs', () => {
  it('are the YAML files under sim/crds (regenerate with `npx tsx e2e/sim/crds/generate.ts`)', () => {
    const files = renderSimCrdFiles();
    expect(readdirSync(folder).filter((name) => name.endsWith('.yaml')).sort()).toEqual([...files.keys()].sort());
    for (const [name, content] of files) expect(readFileSync(`${folder}${name}`, 'utf8')).toBe(content);
  });

  it.each(simCrds.map((crd) => [crd.metadata.name, crd] as const))('%s carries the v1beta2 contract label and is named plural.group', (name, crd) => {
    expect(crd.metadata.labels['cluster.x-k8s.io/v1beta2']).toBe('v1beta2');
    const spec = crd.spec as { group: string; names: { plural: string } };
    expect(name).toBe(`${spec.names.plural}.${spec.group}`);
  });

  it('covers the infrastructure kinds a ClusterClass needs', () => {
    expect(simCrds.map((crd) => (crd.spec as { names: { kind: string } }).names.kind)).toEqual(['SimCluster', 'SimMachine', 'SimMachineTemplate', 'SimClusterTemplate']);
  });
});

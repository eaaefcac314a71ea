// cloud-init reads the rendered YAML with PyYAML (YAML 1.1) and validates it with its own schema: random specs must
// give documents that cloud-init accepts and reads exactly as js-yaml (YAML 1.2) does.
import fc from 'fast-check';
import { load } from 'js-yaml';
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import type { NodeRole } from './input';
import { renderCloudConfig } from './render';
import { ck8sConfigSpec, nodeRole } from './test-support/arbitraries';
import { validateWithCloudInit } from './test-support/cloud-init-tools';
import { inputFor } from './test-support/inputs';
import { expectedRejection } from './test-support/oracle';

// One cloud-init process reads every document (about 30 ms each), so this samples rather than shrinks: a failure
// prints the spec that caused it.
const documents = 250;

describe('random specs as cloud-init reads them', () => {
  it('pass cloud-init schema validation and read the same in PyYAML as in js-yaml', async () => {
    const cases = fc.sample(
      fc.tuple(nodeRole, ck8sConfigSpec).filter(([, spec]) => expectedRejection(spec) === undefined),
      documents,
    );
    const rendered = cases.map(([role, spec]: [NodeRole, CK8sConfigSpec]) =>
      renderCloudConfig({ ...inputFor(role, spec), secretValue: (reference) => `${reference.name}:${reference.key}` }),
    );
    const verdicts = await validateWithCloudInit(rendered);
    expect(verdicts).toHaveLength(documents);
    verdicts.forEach((verdict, index) => {
      const document = load(rendered[index]?.split('\n').slice(2).join('\n') ?? '') as Record<string, unknown>;
      const expected = {
        ok: true,
        keys: Object.keys(document).sort(),
        write_files: document.write_files,
        runcmd: document.runcmd,
        bootcmd: document.bootcmd ?? null,
      };
      // Python orders keys by code point, JavaScript by UTF-16 unit: compare as sets.
      const read = verdict.ok ? { ...verdict, keys: [...verdict.keys].sort() } : verdict;
      if (JSON.stringify(read) !== JSON.stringify(expected)) {
        expect({ spec: cases[index], read }).toEqual({ spec: cases[index], read: expected });
      }
    });
  }, 180_000);
});

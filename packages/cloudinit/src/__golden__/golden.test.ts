// Locked outputs; see scenarios.ts for the (manual, reviewed) update command.
import { readFileSync } from 'node:fs';
import { renderCloudConfig } from '../render';
import { instanceData } from '../runner/node-runner';
import { validateWithCloudInit, validateWithCloudInitCli } from '../test-support/cloud-init-tools';
import { goldenFile, goldenScenarios } from './scenarios';

const updateHint = 'if the change is intended: node_modules/.bin/tsx packages/cloudinit/src/__golden__/update.ts';

describe('golden cloud-configs', () => {
  it.each(goldenScenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s renders byte-identical to its reviewed golden file',
    (_name, scenario) => {
      const golden = readFileSync(goldenFile(scenario.name), 'utf8');
      const rendered = renderCloudConfig(scenario.input);
      expect({ rendered, updateHint }).toEqual({ rendered: golden, updateHint });
    },
  );

  it('every golden passes cloud-init jinja rendering and its schema validator', async () => {
    const verdicts = await validateWithCloudInit(
      goldenScenarios.map((scenario) => renderCloudConfig(scenario.input)),
      instanceData('node-0'),
    );
    const failures = verdicts.flatMap((verdict, index) =>
      verdict.ok ? [] : [`${goldenScenarios[index]?.name ?? index}: ${verdict.error}`],
    );
    expect(failures).toEqual([]);
    expect(verdicts).toHaveLength(goldenScenarios.length);
  });

  it('the 1.32 init node behind a proxy passes `cloud-init schema --config-file` itself', async () => {
    const verdict = await validateWithCloudInitCli(readFileSync(goldenFile('init-control-plane-proxy'), 'utf8'));
    expect(verdict.output).toContain('Valid cloud-config');
    expect(verdict.ok).toBe(true);
  });

  it('the schema validator rejects a document cloud-init would not accept (the check can fail)', async () => {
    const [verdict] = await validateWithCloudInit(['## template: jinja\n#cloud-config\nruncmd: [1, {a: b}]\n']);
    expect(verdict).toMatchObject({ ok: false });
  });
});

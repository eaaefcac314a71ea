// Regenerates the golden cloud-configs: node_modules/.bin/tsx packages/cloudinit/src/__golden__/update.ts
// A deliberate, reviewed step; it refuses to run in CI, where goldens are only compared.
import { writeFileSync } from 'node:fs';
import { renderCloudConfig } from '../render';
import { goldenFile, goldenScenarios } from './scenarios';

if (process.env.CI) {
  throw new Error('golden files are never regenerated in CI; run this locally and review the diff');
}
for (const scenario of goldenScenarios) {
  writeFileSync(goldenFile(scenario.name), renderCloudConfig(scenario.input));
  console.log(`wrote ${scenario.name}.yaml`);
}

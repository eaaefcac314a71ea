// Writes the CRDs generated from the API schemas into the Helm charts: `npx tsx packages/api/scripts/generate-crds.ts`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles } from '../src/crds/render';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

for (const file of renderCrdFiles()) {
  const target = join(repositoryRoot, file.path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, file.content);
  console.log(`wrote ${file.path}`);
}

// Renders the clusterctl release assets of both providers from the Helm charts into a local clusterctl repository:
//   tsx charts/scripts/render-components.ts [output folder, default charts/dist/clusterctl]
import { join, resolve } from 'node:path';
import { chartsFolder, writeClusterctlRepository } from '../src';

const outputFolder = resolve(process.argv[2] ?? join(chartsFolder, 'dist', 'clusterctl'));
const repository = await writeClusterctlRepository(outputFolder);
for (const path of Object.values(repository.componentsPaths)) console.log(path);
console.log(`clusterctl configuration: ${repository.configPath}`);

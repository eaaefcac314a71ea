// Bundles the control plane provider into dist/main.js (see scripts/bundle-provider.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleProvider } from '../../../scripts/bundle-provider.mjs';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function bundle(outfile) {
  return bundleProvider(appRoot, outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await bundle(process.argv[2])}\n`);
}

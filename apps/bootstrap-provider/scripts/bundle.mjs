// Bundles the bootstrap provider into dist/main.js (see scripts/bundle-provider.mjs), with the node scripts in
// dist/scripts/: @capi-ck8s/cloudinit reads them (kept as real .sh files for shellcheck) relative to its module,
// which in the bundle is main.js itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleProvider } from '../../../scripts/bundle-provider.mjs';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeScripts = join(appRoot, '..', '..', 'packages', 'cloudinit', 'src', 'scripts');

export function bundle(outfile) {
  return bundleProvider(appRoot, outfile, [{ from: nodeScripts, to: 'scripts' }]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await bundle(process.argv[2])}\n`);
}

// Bundles the provider into one ESM file, dist/main.js (plus the node scripts in dist/scripts/), which the container
// image runs with `node /app/main.js`.
// Workspace packages are TypeScript sources; esbuild compiles them on the way.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
// @capi-ck8s/cloudinit reads the node scripts (kept as real .sh files for shellcheck) relative to its module, which
// in the bundle is main.js itself: they go into scripts/ beside it.
const nodeScripts = join(appRoot, '..', '..', 'packages', 'cloudinit', 'src', 'scripts');

export async function bundle(outfile = join(appRoot, 'dist', 'main.js')) {
  await build({
    entryPoints: [join(appRoot, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require() for Node built-ins; give the ESM bundle one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  cpSync(nodeScripts, join(dirname(outfile), 'scripts'), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await bundle(process.argv[2]);
  process.stdout.write(`${outfile}\n`);
}

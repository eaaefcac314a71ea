// Bundles a provider app into one ESM file (dist/main.js by default), which its container image runs with
// `node /app/main.js`. Workspace packages are TypeScript sources; esbuild compiles them on the way.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * @param {string} appRoot the app's folder (holding src/main.ts)
 * @param {string} outfile where main.js goes
 * @param {{ from: string, to: string }[]} assets folders copied beside main.js, for modules that read files
 *   relative to themselves at run time (in the bundle, "themselves" is main.js)
 */
export async function bundleProvider(appRoot, outfile = join(appRoot, 'dist', 'main.js'), assets = []) {
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
  for (const asset of assets) {
    cpSync(asset.from, join(dirname(outfile), asset.to), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  }
  return outfile;
}

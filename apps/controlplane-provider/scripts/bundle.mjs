// Bundles the provider into one ESM file, dist/main.js, which the container image runs with `node /app/main.js`.
// Workspace packages are TypeScript sources; esbuild compiles them on the way.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

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
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await bundle(process.argv[2]);
  process.stdout.write(`${outfile}\n`);
}

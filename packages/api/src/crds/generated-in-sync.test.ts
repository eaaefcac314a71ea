import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatorCommand, renderCrdFiles } from './render';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

async function readOrMissing(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '<missing>';
  }
}

describe('CRD files in the charts', () => {
  it.each(renderCrdFiles().map((file) => [file.path, file] as const))(
    '%s matches the schemas in packages/api',
    async (_path, file) => {
      const onDisk = await readOrMissing(join(repositoryRoot, file.path));
      if (onDisk !== file.content) {
        throw new Error(`${file.path} is out of date with packages/api/src/schema: run \`${generatorCommand}\``);
      }
    },
  );
});

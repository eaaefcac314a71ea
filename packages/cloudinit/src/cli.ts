// Prints the cloud-init a node would run, with placeholders for secrets and contentFrom data:
//   npm run render -- --role <init|join-control-plane|worker> -f <file> [--cluster <Cluster yaml>]
//                     [--name <object name>] [--version <vX.Y.Z>]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { previewRoles, renderPreview } from './preview';

const usage =
  'usage: npm run render -- --role <init|join-control-plane|worker> -f <file> [--cluster <Cluster yaml>] ' +
  '[--name <object name>] [--version <vX.Y.Z>]\n' +
  'The file holds a CK8sConfig, CK8sConfigTemplate, CK8sControlPlane or CK8sControlPlaneTemplate.';

function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      role: { type: 'string' },
      file: { type: 'string', short: 'f' },
      cluster: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const role = values.role === undefined ? undefined : previewRoles[values.role];
  if (!role || !values.file) {
    process.stderr.write(`${values.role !== undefined && !role ? `unknown role ${values.role}\n` : ''}${usage}\n`);
    return 2;
  }
  process.stdout.write(
    renderPreview({
      role,
      objects: readFileSync(values.file, 'utf8'),
      cluster: values.cluster === undefined ? undefined : readFileSync(values.cluster, 'utf8'),
      name: values.name,
      version: values.version,
    }),
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`render: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

// Checks with the real tools (Debian packages cloud-init and shellcheck). They are required: a missing tool fails.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { InstanceData } from '../runner/node-runner';
import { instanceData } from '../runner/node-runner';
import { cloudInitPython, requireSystemTool } from '../system-tools';

const run = promisify(execFile);

export interface ToolVerdict {
  readonly ok: boolean;
  /** stdout and stderr, for failure messages. */
  readonly output: string;
}

/**
 * The command-line route for one document: `cloud-init devel render` (jinja) then `cloud-init schema --config-file`,
 * exactly as a user would check it by hand. validateWithCloudInit runs the same validator for many documents.
 */
export async function validateWithCloudInitCli(userData: string, data: InstanceData = instanceData('node-0')): Promise<ToolVerdict> {
  const cloudInit = requireSystemTool('cloud-init');
  const work = await mkdtemp(join(tmpdir(), 'capi-ck8s-schema-'));
  try {
    await writeFile(join(work, 'user-data'), userData);
    await writeFile(join(work, 'instance-data.json'), JSON.stringify(data));
    const rendered = await run(cloudInit, ['devel', 'render', '-i', join(work, 'instance-data.json'), join(work, 'user-data')]);
    await writeFile(join(work, 'rendered'), rendered.stdout);
    return await toolVerdict(cloudInit, ['schema', '--config-file', join(work, 'rendered')]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function toolVerdict(command: string, args: readonly string[]): Promise<ToolVerdict> {
  try {
    const { stdout, stderr } = await run(command, args);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message };
  }
}

export async function shellcheck(paths: readonly string[]): Promise<ToolVerdict> {
  return toolVerdict(requireSystemTool('shellcheck'), ['--enable=all', '--shell=bash', '--format=gcc', ...paths]);
}

/** What cloud-init's YAML loader (PyYAML) read from a valid document. */
export interface CloudInitReading {
  readonly ok: true;
  readonly keys: readonly string[];
  readonly write_files: unknown;
  readonly runcmd: unknown;
  readonly bootcmd: unknown;
}

export type CloudInitVerdict = CloudInitReading | { readonly ok: false; readonly error: string };

const validator = fileURLToPath(new URL('./validate_cloud_configs.py', import.meta.url));

/**
 * Validates user data the way `cloud-init schema --config-file` does after cloud-init has rendered its jinja
 * template (cloud-init 22.4 only validates rendered documents), many documents per cloud-init process.
 */
export async function validateWithCloudInit(
  userData: readonly string[],
  data: InstanceData = instanceData('node-0'),
): Promise<CloudInitVerdict[]> {
  const work = await mkdtemp(join(tmpdir(), 'capi-ck8s-schema-'));
  try {
    const instanceDataPath = join(work, 'instance-data.json');
    await writeFile(instanceDataPath, JSON.stringify(data));
    const paths = userData.map((_, index) => join(work, `user-data-${index}`));
    await Promise.all(paths.map((path, index) => writeFile(path, userData[index] ?? '')));
    const { stdout } = await run(cloudInitPython(), [validator, instanceDataPath, ...paths], {
      maxBuffer: 1024 * 1024 * 1024,
    });
    return JSON.parse(stdout) as CloudInitVerdict[];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

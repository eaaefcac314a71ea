// Boots a rendered cloud-config on a simulated node: a bubblewrap sandbox whose whole filesystem is a private
// temporary folder (host /usr mounted read-only for bash, coreutils, python3 and cloud-init), with no network and
// only the capabilities root needs to manage files. cloud-init's own code renders the jinja template, applies
// write_files and runs bootcmd/runcmd; the programs a node would change the world with (snap, k8s, systemctl, ctr,
// curl, sleep) are stubs that record each call. Nothing outside the temporary folder is written. The node root is a
// host folder rather than a tmpfs so that its files can be read back once the sandbox has exited.
import { spawn } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cloudInitPython, requireSystemTool } from '../system-tools';
import { parseNodeLog } from './node-log';
import type { BootPhase, CommandLists, NodeEvent, StubInvocation } from './node-log';

export const stubPrograms = ['snap', 'k8s', 'systemctl', 'ctr', 'curl', 'sleep'] as const;
export type StubProgram = (typeof stubPrograms)[number];

/** Makes matching stub calls fail. */
export interface StubFailure {
  /** bash glob over "<program> <arguments joined by spaces>", e.g. "k8s join-cluster *" or "snap install *". */
  readonly command: string;
  /** Default 1. */
  readonly exitCode?: number;
  /** Only the first `times` matching calls fail (to test retries that then succeed). Default: every call. */
  readonly times?: number;
}

/** cloud-init instance data: what jinja variables such as ds.meta_data.local_hostname or v1.instance_id read. */
export type InstanceData = Readonly<Record<string, unknown>>;

export function instanceData(hostname: string, instanceId = `i-${hostname}`): InstanceData {
  return {
    v1: { local_hostname: hostname, instance_id: instanceId, cloud_name: 'simulated', platform: 'simulated' },
    ds: { meta_data: { local_hostname: hostname, instance_id: instanceId } },
  };
}

const defaultInstanceData = instanceData('node-0');

function hostnameOf(data: InstanceData): string {
  const v1: unknown = data.v1;
  const name = typeof v1 === 'object' && v1 !== null ? (v1 as Record<string, unknown>).local_hostname : undefined;
  return typeof name === 'string' && name !== '' ? name : 'node-0';
}

export interface NodeBootOptions {
  /** The rendered user data (## template: jinja + #cloud-config). */
  readonly userData: string;
  /** Defaults to instanceData('node-0'). */
  readonly instanceData?: InstanceData;
  readonly failures?: readonly StubFailure[];
  /**
   * Behaviour plugged into a stub: the text of an executable (with #!) run inside the sandbox with the stub's
   * arguments and stdin; its output and exit code become the stub's. Failures take precedence over hooks.
   */
  readonly hooks?: Readonly<Partial<Record<StubProgram, string>>>;
  /** Files present on the node before it boots (e.g. /capi/images/*.tar, /etc/kubernetes/pki/ca.crt). */
  readonly initialFiles?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * Shares the host's network, so hooks can reach services the test runs on loopback (a simulator's HTTP server,
   * say, through /usr/bin/python3 or /usr/bin/curl by absolute path; `curl` on PATH is the stub). Default: no network.
   */
  readonly shareNetwork?: boolean;
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export interface NodeFile {
  readonly mode: number;
  readonly content: Buffer;
}

export interface NodeBootResult {
  /** The bootcmd/runcmd entries reached and the stub calls they made, in order. */
  readonly events: readonly NodeEvent[];
  readonly invocations: readonly StubInvocation[];
  /** Exit code of each cloud-init phase that ran. */
  readonly phaseExitCodes: Readonly<Partial<Record<BootPhase, number>>>;
  /** Combined output of the boot, like /var/log/cloud-init-output.log. */
  readonly output: string;
  /** Regular files created or changed on the node, by absolute path. */
  readonly files: ReadonlyMap<string, NodeFile>;
}

export class NodeBootError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output}`);
    this.name = 'NodeBootError';
  }
}

// Mount points of the sandbox inside the node root; they are not node files.
const sandboxMounts = ['/usr', '/bin', '/lib', '/lib64', '/sbin', '/proc', '/dev', '/.runner'];
const baseFiles: Readonly<Record<string, string>> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
  '/etc/group': 'root:x:0:\n',
};
const nodePath = '/.runner/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin';
const ownFile = (name: string) => new URL(name, import.meta.url);

async function writeNodeFile(root: string, path: string, content: string | Uint8Array): Promise<void> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
}

async function prepareRunnerDirectory(runner: string, options: NodeBootOptions): Promise<void> {
  await mkdir(join(runner, 'bin'), { recursive: true });
  await mkdir(join(runner, 'failures'));
  await mkdir(join(runner, 'hooks'));
  for (const program of stubPrograms) {
    await copyFile(ownFile('stub.sh'), join(runner, 'bin', program));
    await chmod(join(runner, 'bin', program), 0o755);
  }
  await copyFile(ownFile('mark.sh'), join(runner, 'mark'));
  await chmod(join(runner, 'mark'), 0o755);
  await copyFile(ownFile('boot.py'), join(runner, 'boot.py'));
  await writeFile(join(runner, 'user-data'), options.userData);
  await writeFile(join(runner, 'instance-data.json'), JSON.stringify(options.instanceData ?? defaultInstanceData));
  await writeFile(join(runner, 'log'), '');
  for (const [index, failure] of (options.failures ?? []).entries()) {
    const fields = [failure.command, String(failure.exitCode ?? 1), String(failure.times ?? 0)];
    await writeFile(join(runner, 'failures', `${index}.rule`), fields.map((field) => `${field}\0`).join(''));
  }
  for (const [program, hook] of Object.entries(options.hooks ?? {})) {
    await writeFile(join(runner, 'hooks', program), hook, { mode: 0o755 });
  }
}

async function prepareNodeRoot(root: string, options: NodeBootOptions): Promise<Map<string, Buffer>> {
  const seeded = new Map<string, Buffer>();
  for (const [path, content] of Object.entries({ ...baseFiles, ...options.initialFiles })) {
    await writeNodeFile(root, path, content);
    seeded.set(path, Buffer.from(content));
  }
  // The k8s snap's ctr is called by its absolute path.
  await mkdir(join(root, 'snap/k8s/current/bin'), { recursive: true });
  await symlink('/.runner/bin/ctr', join(root, 'snap/k8s/current/bin/ctr'));
  return seeded;
}

interface SandboxSettings {
  readonly root: string;
  readonly runner: string;
  readonly hostname: string;
  readonly python: string;
  readonly shareNetwork: boolean;
}

function sandboxArguments({ root, runner, hostname, python, shareNetwork }: SandboxSettings): string[] {
  return [
    '--unshare-all',
    ...(shareNetwork ? ['--share-net'] : []),
    '--unshare-user',
    '--uid', '0',
    '--gid', '0',
    // Root on a real node overrides file permissions (cloud-init rewrites a 0500 script a user file replaces);
    // nothing beyond that, so the sandbox cannot remount or otherwise reach past its own folders.
    '--cap-drop', 'ALL',
    '--cap-add', 'CAP_DAC_OVERRIDE',
    '--cap-add', 'CAP_FOWNER',
    '--cap-add', 'CAP_CHOWN',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--hostname', hostname,
    '--bind', root, '/',
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/sbin', '/sbin',
    '--proc', '/proc',
    '--dev', '/dev',
    '--bind', runner, '/.runner',
    '--setenv', 'PATH', nodePath,
    '--setenv', 'HOME', '/root',
    '--setenv', 'LANG', 'C.UTF-8',
    '--chdir', '/',
    python, '/.runner/boot.py',
  ];
}

// `set -x` in runcmd traces the runner's own step markers; they are not part of what the node ran.
function withoutStepMarkers(output: string): string {
  return output.replace(/^\+ \/\.runner\/mark (?:bootcmd|runcmd) \d+\n/gm, '');
}

interface SandboxOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function runSandbox(args: readonly string[], timeoutMs: number): Promise<SandboxOutcome> {
  const bwrap = requireSystemTool('bwrap');
  return new Promise((resolve, reject) => {
    const child = spawn(bwrap, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode, signal) =>
      resolve({ exitCode, signal, output: withoutStepMarkers(Buffer.concat(chunks).toString('utf8')) }),
    );
  });
}

async function collectFiles(root: string, seeded: ReadonlyMap<string, Buffer>): Promise<Map<string, NodeFile>> {
  const files = new Map<string, NodeFile>();
  const visit = async (directory: string): Promise<void> => {
    for (const entry of await readdir(join(root, directory), { withFileTypes: true })) {
      const path = `${directory === '/' ? '' : directory}/${entry.name}`;
      if (sandboxMounts.includes(path)) continue;
      // Never follow links: the node may have pointed one anywhere on the host.
      if (entry.isDirectory()) {
        await visit(path);
      } else if (entry.isFile()) {
        const content = await readFile(join(root, path));
        if (seeded.get(path)?.equals(content)) continue;
        files.set(path, { mode: (await lstat(join(root, path))).mode & 0o7777, content });
      }
    }
  };
  await visit('/');
  return files;
}

/** Boots the user data on a fresh simulated node and reports what ran and what was written. */
export async function bootNode(options: NodeBootOptions): Promise<NodeBootResult> {
  requireSystemTool('flock');
  const python = cloudInitPython();
  const work = await mkdtemp(join(tmpdir(), 'capi-ck8s-node-'));
  try {
    const root = join(work, 'root');
    const runner = join(work, 'runner');
    await mkdir(root);
    await prepareRunnerDirectory(runner, options);
    const seeded = await prepareNodeRoot(root, options);
    const hostname = hostnameOf(options.instanceData ?? defaultInstanceData);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const shareNetwork = options.shareNetwork ?? false;
    const outcome = await runSandbox(sandboxArguments({ root, runner, hostname, python, shareNetwork }), timeoutMs);
    if (outcome.signal) {
      throw new NodeBootError(`the simulated boot was killed (${outcome.signal}) after the ${timeoutMs} ms limit`, outcome.output);
    }
    if (outcome.exitCode !== 0) {
      throw new NodeBootError(`the simulated boot failed (exit code ${String(outcome.exitCode)})`, outcome.output);
    }
    const { output } = outcome;
    const commands = JSON.parse(await readFile(join(runner, 'commands.json'), 'utf8')) as CommandLists;
    const { events, phaseExitCodes } = parseNodeLog(await readFile(join(runner, 'log')), commands);
    return {
      events,
      invocations: events.filter((event): event is StubInvocation => event.kind === 'invocation'),
      phaseExitCodes,
      output,
      files: await collectFiles(root, seeded),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

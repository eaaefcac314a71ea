// What a stub call on a SIMULATED node asks the node agent to do. Pure: argv in, command out; the agent performs it.

export type SnapSource = { channel: string } | { revision: string } | { localPath: string };

export type NodeCommand =
  | { kind: 'bootstrap'; name: string | undefined; address: string; configFile: string }
  | { kind: 'join-cluster'; token: string; name: string | undefined; address: string; configFile: string | undefined }
  | { kind: 'set-auth-token'; token: string }
  | { kind: 'set-node-token'; token: string }
  | { kind: 'kubectl'; args: string[] }
  | { kind: 'version' }
  | { kind: 'snap-install'; snap: string; source: SnapSource }
  | { kind: 'snap-list'; snap: string }
  /** snap ack, snap set and the like: they change nothing the simulation models. */
  | { kind: 'snap-accepted' }
  | { kind: 'unsupported'; reason: string };

interface ParsedArguments {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

const optionsWithValues = new Set(['name', 'address', 'file', 'channel', 'revision', 'output']);

/** Splits `--name value`, `--name=value` and bare `--flag`s from positional arguments. */
function parseArguments(args: readonly string[]): ParsedArguments {
  const parsed: ParsedArguments = { positional: [], options: new Map(), flags: new Set() };
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] ?? '';
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argument);
    if (!match) {
      parsed.positional.push(argument);
      continue;
    }
    const name = match[1] ?? '';
    if (match[2] !== undefined) parsed.options.set(name, match[2]);
    else if (optionsWithValues.has(name) && index + 1 < args.length) parsed.options.set(name, args[++index] ?? '');
    else parsed.flags.add(name);
  }
  return parsed;
}

function unsupported(program: string, args: readonly string[], why: string): NodeCommand {
  return { kind: 'unsupported', reason: `${program} ${args.join(' ')}: ${why}` };
}

function parseK8s(args: readonly string[]): NodeCommand {
  const [subcommand, ...rest] = args;
  if (subcommand === 'kubectl') return { kind: 'kubectl', args: rest };
  if (subcommand === 'version') return { kind: 'version' };
  const parsed = parseArguments(rest);
  if (subcommand === 'bootstrap') {
    const configFile = parsed.options.get('file');
    const address = parsed.options.get('address');
    if (configFile === undefined) return unsupported('k8s', args, 'the simulated node bootstraps only from --file <config>');
    if (address === undefined) return unsupported('k8s', args, '--address is required');
    return { kind: 'bootstrap', name: parsed.options.get('name'), address, configFile };
  }
  if (subcommand === 'join-cluster') {
    const [token] = parsed.positional;
    const address = parsed.options.get('address');
    if (token === undefined || token === '') return unsupported('k8s', args, 'a join token is required');
    if (address === undefined) return unsupported('k8s', args, '--address is required');
    return { kind: 'join-cluster', token, name: parsed.options.get('name'), address, configFile: parsed.options.get('file') };
  }
  if (subcommand === 'x-capi') {
    const [action, token] = parsed.positional;
    if (token === undefined) return unsupported('k8s', args, 'a token is required');
    if (action === 'set-auth-token') return { kind: 'set-auth-token', token };
    if (action === 'set-node-token') return { kind: 'set-node-token', token };
  }
  return unsupported('k8s', args, 'not simulated');
}

function snapSource(parsed: ParsedArguments, snap: string): SnapSource | undefined {
  const channel = parsed.options.get('channel');
  if (channel !== undefined) return { channel };
  const revision = parsed.options.get('revision');
  if (revision !== undefined) return { revision };
  // `snap install --classic ./k8s_123.snap`: a local file names the snap it installs.
  return snap.includes('/') ? { localPath: snap } : undefined;
}

function parseSnap(args: readonly string[]): NodeCommand {
  const [subcommand, ...rest] = args;
  const parsed = parseArguments(rest);
  const [target] = parsed.positional;
  if (subcommand === 'install' || subcommand === 'refresh') {
    if (target === undefined) return unsupported('snap', args, 'which snap?');
    const snap = target.includes('/') ? 'k8s' : target;
    // A plain `snap install curl` takes the default channel.
    const source = snapSource(parsed, target) ?? { channel: 'latest/stable' };
    return { kind: 'snap-install', snap, source };
  }
  if (subcommand === 'list' && target !== undefined) return { kind: 'snap-list', snap: target };
  if (subcommand === 'ack' || subcommand === 'set' || subcommand === 'list') return { kind: 'snap-accepted' };
  return unsupported('snap', args, 'not simulated');
}

export function parseStubCall(program: string, args: readonly string[]): NodeCommand {
  if (program === 'k8s') return parseK8s(args);
  if (program === 'snap') return parseSnap(args);
  return unsupported(program, args, 'the node agent only serves k8s and snap');
}

/**
 * The Kubernetes version a snap source installs, as the simulated snap store resolves it: a `<major>.<minor>` channel
 * gives the Machine's version when it is of that minor (the store's latest patch), else `v<major>.<minor>.0`; a
 * revision or local file gives the Machine's version.
 */
export function resolveSnapVersion(source: SnapSource, machineVersion: string | undefined): string {
  if (!('channel' in source)) return machineVersion ?? 'v0.0.0';
  const minor = /^(\d+)\.(\d+)/.exec(source.channel);
  if (!minor) return machineVersion ?? 'v0.0.0';
  const prefix = `v${minor[1]}.${minor[2]}.`;
  return machineVersion?.startsWith(prefix) ? machineVersion : `${prefix}0`;
}

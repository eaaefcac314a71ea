import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './logging';

/** The command-line conventions CAPI providers share. */
export interface ManagerFlags {
  leaderElect: boolean;
  /** "host:port", ":port", or "0" to disable. */
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  webhookPort: number;
  webhookCertDir: string;
  /** Only watch and reconcile objects in this namespace; all namespaces when unset. */
  namespace: string | undefined;
  /** Only reconcile objects labelled cluster.x-k8s.io/watch-filter=<value>. */
  watchFilter: string | undefined;
  syncPeriodMs: number;
  concurrency: number;
  logLevel: LogLevel;
}

export const DEFAULT_FLAGS: ManagerFlags = {
  leaderElect: false,
  metricsBindAddress: ':8080',
  healthProbeBindAddress: ':9440',
  webhookPort: 9443,
  webhookCertDir: '/tmp/k8s-webhook-server/serving-certs',
  namespace: undefined,
  watchFilter: undefined,
  syncPeriodMs: 10 * 60 * 1000,
  concurrency: 10,
  logLevel: 'info',
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Go-style durations such as "10m", "1h30m", "45s", "500ms". */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new Error(`duration "${text}" must look like 10m, 1h30m, 45s or 500ms`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (DURATION_UNITS[unit ?? ''] ?? 0), 0);
}

/** Splits a bind address into host and port; `undefined` when the server is disabled ("0"). */
export function parseBindAddress(flag: string, text: string): { host: string; port: number } | undefined {
  if (text === '0') return undefined;
  const match = /^(.*):(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw new Error(`--${flag} "${text}" must be "host:port", ":port" or "0" to disable`);
  return { host: match[1] || '0.0.0.0', port };
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a positive integer (got "${text}")`);
  return value;
}

export interface FlagParsingOptions {
  defaults?: ManagerFlags;
  /** A provider's own flags, returned in `extra`; anything else unknown is an error so that typos are noticed. */
  extraOptions?: ParseArgsOptionsConfig;
}

const SHARED_OPTIONS = {
  'leader-elect': { type: 'boolean' },
  'metrics-bind-address': { type: 'string' },
  'health-probe-bind-address': { type: 'string' },
  'webhook-port': { type: 'string' },
  'webhook-cert-dir': { type: 'string' },
  namespace: { type: 'string' },
  'watch-filter': { type: 'string' },
  'sync-period': { type: 'string' },
  concurrency: { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/**
 * Go's flag package, which upstream providers and their charts follow, also accepts "--flag=true|false" for a
 * boolean; node's parseArgs does not, so those become "--flag" and "--no-flag".
 */
export function goStyleBooleans(argv: readonly string[], options: ParseArgsOptionsConfig): string[] {
  return argv.map((argument) => {
    const match = /^--([^=]+)=(.*)$/.exec(argument);
    const name = match?.[1] ?? '';
    if (!match || options[name]?.type !== 'boolean') return argument;
    if (match[2] === 'true') return `--${name}`;
    if (match[2] === 'false') return `--no-${name}`;
    throw new Error(`--${name} must be true or false (got "${match[2]}")`);
  });
}

export type ExtraFlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses the shared flags (and a provider's own, into `extra`). */
export function parseManagerFlags(
  argv: readonly string[],
  { defaults = DEFAULT_FLAGS, extraOptions = {} }: FlagParsingOptions = {},
): ManagerFlags & { extra: ExtraFlagValues } {
  const options = { ...extraOptions, ...SHARED_OPTIONS };
  const { values } = parseArgs({ args: goStyleBooleans(argv, options), strict: true, allowPositionals: false, allowNegative: true, options });
  const logLevel = values['log-level'] ?? defaults.logLevel;
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  const extra = Object.fromEntries(Object.entries(values).filter(([name]) => !Object.hasOwn(SHARED_OPTIONS, name)));
  const flags: ManagerFlags = {
    leaderElect: values['leader-elect'] ?? defaults.leaderElect,
    metricsBindAddress: values['metrics-bind-address'] ?? defaults.metricsBindAddress,
    healthProbeBindAddress: values['health-probe-bind-address'] ?? defaults.healthProbeBindAddress,
    webhookPort: values['webhook-port'] === undefined ? defaults.webhookPort : positiveInteger('webhook-port', values['webhook-port']),
    webhookCertDir: values['webhook-cert-dir'] ?? defaults.webhookCertDir,
    namespace: values.namespace || defaults.namespace,
    watchFilter: values['watch-filter'] || defaults.watchFilter,
    syncPeriodMs: values['sync-period'] === undefined ? defaults.syncPeriodMs : parseDuration(values['sync-period']),
    concurrency: values.concurrency === undefined ? defaults.concurrency : positiveInteger('concurrency', values.concurrency),
    logLevel: logLevel as LogLevel,
  };
  parseBindAddress('metrics-bind-address', flags.metricsBindAddress);
  parseBindAddress('health-probe-bind-address', flags.healthProbeBindAddress);
  return { ...flags, extra };
}

// The command line both providers share on top of the manager flags: what the chart (provider-common's
// "provider.args") and upstream CABPCK/CACPCK pass to every provider process.
import type { ParseArgsOptionsConfig } from 'node:util';
import { type ExtraFlagValues, type ManagerFlags, parseManagerFlags } from '../flags';

export type WebhookCertMode = 'cert-manager' | 'self-managed';

export interface ProviderFlags {
  manager: ManagerFlags;
  kubeconfig: string | undefined;
  leaderElectionId: string;
  /** Plain HTTP metrics; without it they are HTTPS with authentication and authorisation (the chart's default). */
  metricsInsecure: boolean;
  webhookCertMode: WebhookCertMode;
  webhookCertSecret: string | undefined;
  webhookService: string | undefined;
  mutatingWebhookConfiguration: string | undefined;
  validatingWebhookConfiguration: string | undefined;
  /** ENABLE_WEBHOOKS=false, as upstream, for running outside the cluster. */
  webhooks: boolean;
  /** Values of the provider's own `extraOptions`, for the parser that owns them. */
  extra: ExtraFlagValues;
}

export interface ProviderFlagOptions {
  /** The Lease name upstream uses for this provider (the chart passes it too). */
  defaultLeaderElectionId: string;
  env?: NodeJS.ProcessEnv;
  /** Flags owned by other parsers the provider composes (e.g. k8sd's), returned in `extra`. */
  extraOptions?: ParseArgsOptionsConfig;
}

const PROVIDER_OPTIONS = {
  kubeconfig: { type: 'string' },
  'leader-election-id': { type: 'string' },
  'metrics-insecure': { type: 'boolean' },
  'webhook-cert-mode': { type: 'string' },
  'webhook-cert-secret': { type: 'string' },
  'webhook-service': { type: 'string' },
  'mutating-webhook-configuration': { type: 'string' },
  'validating-webhook-configuration': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** The value of a string flag; undefined when absent. */
export function textFlag(values: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Checks an enumerated flag's value, naming the flag and the allowed values when it is wrong. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

export function parseProviderFlags(argv: readonly string[], options: ProviderFlagOptions): ProviderFlags {
  const env = options.env ?? process.env;
  const { extra: values, ...manager } = parseManagerFlags(argv, { extraOptions: { ...options.extraOptions, ...PROVIDER_OPTIONS } });
  const extra = Object.fromEntries(Object.entries(values).filter(([name]) => !Object.hasOwn(PROVIDER_OPTIONS, name)));
  const flags: ProviderFlags = {
    manager,
    kubeconfig: textFlag(values, 'kubeconfig') ?? env['KUBECONFIG'],
    leaderElectionId: textFlag(values, 'leader-election-id') ?? options.defaultLeaderElectionId,
    metricsInsecure: values['metrics-insecure'] === true,
    webhookCertMode: oneOf('webhook-cert-mode', textFlag(values, 'webhook-cert-mode') ?? 'cert-manager', ['cert-manager', 'self-managed']),
    webhookCertSecret: textFlag(values, 'webhook-cert-secret'),
    webhookService: textFlag(values, 'webhook-service'),
    mutatingWebhookConfiguration: textFlag(values, 'mutating-webhook-configuration'),
    validatingWebhookConfiguration: textFlag(values, 'validating-webhook-configuration'),
    webhooks: env['ENABLE_WEBHOOKS'] !== 'false',
    extra,
  };
  if (flags.webhookCertMode === 'self-managed') {
    for (const [flag, value] of [
      ['webhook-cert-secret', flags.webhookCertSecret],
      ['webhook-service', flags.webhookService],
    ] as const) {
      if (!value) throw new Error(`--${flag} is required with --webhook-cert-mode=self-managed`);
    }
  }
  return flags;
}

// The bootstrap provider's command line: the runtime's shared manager flags plus the ones the chart and upstream
// CABPCK add (see charts/bootstrap-provider and provider-common's "provider.args").
import type { K8sdRoute } from '@capi-ck8s/k8sd';
import { DEFAULT_K8SD_TIMEOUT_MS } from '@capi-ck8s/k8sd';
import { type ManagerFlags, parseDuration, parseManagerFlags } from '@capi-ck8s/runtime';

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
  k8sdRoute: K8sdRoute;
  k8sdTimeoutMs: number;
  /** ENABLE_WEBHOOKS=false, as upstream, for running outside the cluster. */
  webhooks: boolean;
}

/** Upstream CABPCK's leader election Lease name; the chart passes it too. */
export const defaultLeaderElectionId = '6b2b21b1.k8s.io';

const providerOptions = {
  kubeconfig: 'string',
  'leader-election-id': 'string',
  'metrics-insecure': 'boolean',
  'webhook-cert-mode': 'string',
  'webhook-cert-secret': 'string',
  'webhook-service': 'string',
  'mutating-webhook-configuration': 'string',
  'validating-webhook-configuration': 'string',
  'k8sd-route': 'string',
  'k8sd-dial-timeout-duration': 'string',
} as const;

type ProviderOption = keyof typeof providerOptions;

function isProviderOption(name: string): name is ProviderOption {
  return Object.hasOwn(providerOptions, name);
}

/** Separates this provider's flags ("--name=value", "--name value", booleans bare) from the runtime's. */
export function splitArguments(argv: readonly string[]): { provider: Map<ProviderOption, string>; rest: string[] } {
  const provider = new Map<ProviderOption, string>();
  const rest: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argument);
    const name = match?.[1] ?? '';
    if (!match || !isProviderOption(name)) {
      rest.push(argument);
      continue;
    }
    if (providerOptions[name] === 'boolean') {
      provider.set(name, match[2] ?? 'true');
      continue;
    }
    const value = match[2] ?? argv[++index];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    provider.set(name, value);
  }
  return { provider, rest };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function booleanFlag(flag: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return oneOf(flag, value, ['true', 'false']) === 'true';
}

export function parseProviderFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ProviderFlags {
  const { provider, rest } = splitArguments(argv);
  const flags: ProviderFlags = {
    manager: parseManagerFlags(rest),
    kubeconfig: provider.get('kubeconfig') ?? env['KUBECONFIG'],
    leaderElectionId: provider.get('leader-election-id') ?? defaultLeaderElectionId,
    metricsInsecure: booleanFlag('metrics-insecure', provider.get('metrics-insecure')),
    webhookCertMode: oneOf('webhook-cert-mode', provider.get('webhook-cert-mode') ?? 'cert-manager', ['cert-manager', 'self-managed']),
    webhookCertSecret: provider.get('webhook-cert-secret'),
    webhookService: provider.get('webhook-service'),
    mutatingWebhookConfiguration: provider.get('mutating-webhook-configuration'),
    validatingWebhookConfiguration: provider.get('validating-webhook-configuration'),
    k8sdRoute: oneOf('k8sd-route', provider.get('k8sd-route') ?? 'port-forward', ['port-forward', 'direct']),
    k8sdTimeoutMs: parseDuration(provider.get('k8sd-dial-timeout-duration') ?? `${DEFAULT_K8SD_TIMEOUT_MS / 1000}s`),
    webhooks: env['ENABLE_WEBHOOKS'] !== 'false',
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

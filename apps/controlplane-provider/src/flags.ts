// The control plane provider's command line: the runtime's shared manager flags plus the ones the chart
// (provider-common's "provider.args") and upstream CACPCK add.
import { DEFAULT_K8SD_TIMEOUT_MS, type K8sdRoute } from '@capi-ck8s/k8sd';
import { type ManagerFlags, parseDuration, parseManagerFlags } from '@capi-ck8s/runtime';

export type WebhookCertMode = 'cert-manager' | 'self-managed';

export interface ProviderFlags {
  manager: ManagerFlags;
  kubeconfig: string | undefined;
  leaderElectionId: string;
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

/** Upstream CACPCK's leader election Lease name; the chart passes it too. */
export const defaultLeaderElectionId = '148fa072.controlplane.cluster.x-k8s.io';

const providerOptions = {
  kubeconfig: { type: 'string' },
  'leader-election-id': { type: 'string' },
  'metrics-insecure': { type: 'boolean' },
  'webhook-cert-mode': { type: 'string' },
  'webhook-cert-secret': { type: 'string' },
  'webhook-service': { type: 'string' },
  'mutating-webhook-configuration': { type: 'string' },
  'validating-webhook-configuration': { type: 'string' },
  'k8sd-route': { type: 'string' },
  'k8sd-dial-timeout-duration': { type: 'string' },
} as const;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function text(extra: Record<string, unknown>, name: keyof typeof providerOptions): string | undefined {
  const value = extra[name];
  return typeof value === 'string' ? value : undefined;
}

export function parseProviderFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ProviderFlags {
  const { extra, ...manager } = parseManagerFlags(argv, { extraOptions: providerOptions });
  const flags: ProviderFlags = {
    manager,
    kubeconfig: text(extra, 'kubeconfig') ?? env['KUBECONFIG'],
    leaderElectionId: text(extra, 'leader-election-id') ?? defaultLeaderElectionId,
    metricsInsecure: extra['metrics-insecure'] === true,
    webhookCertMode: oneOf('webhook-cert-mode', text(extra, 'webhook-cert-mode') ?? 'cert-manager', ['cert-manager', 'self-managed']),
    webhookCertSecret: text(extra, 'webhook-cert-secret'),
    webhookService: text(extra, 'webhook-service'),
    mutatingWebhookConfiguration: text(extra, 'mutating-webhook-configuration'),
    validatingWebhookConfiguration: text(extra, 'validating-webhook-configuration'),
    k8sdRoute: oneOf('k8sd-route', text(extra, 'k8sd-route') ?? 'port-forward', ['port-forward', 'direct']),
    k8sdTimeoutMs: parseDuration(text(extra, 'k8sd-dial-timeout-duration') ?? `${DEFAULT_K8SD_TIMEOUT_MS / 1000}s`),
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

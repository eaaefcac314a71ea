// The bootstrap provider process: flags → Manager → controllers and webhooks → run until SIGTERM.
import { createLogger, Manager, type ManagerOptions, runManager } from '@capi-ck8s/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { parseProviderFlags, type ProviderFlags } from './flags';
import { cacheSelectors, providerName, setupBootstrapProvider } from './setup';

function kubeConfigFrom(flags: ProviderFlags): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

function selfManagedCertificates(flags: ProviderFlags, namespace: string): ManagerOptions['selfManagedCertificates'] {
  if (flags.webhookCertMode !== 'self-managed') return undefined;
  return {
    secret: { namespace, name: flags.webhookCertSecret ?? '' },
    service: { namespace, name: flags.webhookService ?? '' },
    mutatingWebhookConfigurations: flags.mutatingWebhookConfiguration ? [flags.mutatingWebhookConfiguration] : [],
    validatingWebhookConfigurations: flags.validatingWebhookConfiguration ? [flags.validatingWebhookConfiguration] : [],
  };
}

/**
 * As the chart documents it: HTTPS with the webhook serving certificate, every scrape authenticated and authorised.
 * In the self-managed mode that certificate lives in a Secret, not a folder, so the runtime issues its own.
 */
function secureMetrics(flags: ProviderFlags): NonNullable<ManagerOptions['secureMetrics']> {
  return flags.webhookCertMode === 'cert-manager' ? { certDir: flags.manager.webhookCertDir } : {};
}

export async function main(argv: readonly string[]): Promise<void> {
  const flags = parseProviderFlags(argv);
  const logger = createLogger({ level: flags.manager.logLevel, name: providerName });
  const namespace = process.env['POD_NAMESPACE'] ?? 'default';
  const certificates = selfManagedCertificates(flags, namespace);
  const manager = new Manager({
    name: providerName,
    kubeConfig: kubeConfigFrom(flags),
    flags: flags.manager,
    logger,
    leaderElectionId: flags.leaderElectionId,
    leaderElectionNamespace: namespace,
    cacheSelectors,
    ...(certificates ? { selfManagedCertificates: certificates } : {}),
    ...(flags.metricsInsecure ? {} : { secureMetrics: secureMetrics(flags) }),
  });
  setupBootstrapProvider(manager, { k8sdRoute: flags.k8sdRoute, k8sdTimeoutMs: flags.k8sdTimeoutMs, webhooks: flags.webhooks });
  await runManager(manager);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bootstrap provider: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

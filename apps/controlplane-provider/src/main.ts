// The control plane provider process: flags → Manager → controller and webhooks → run until SIGTERM.
import { createLogger, Manager, type ManagerOptions, runManager } from '@capi-ck8s/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { parseProviderFlags, type ProviderFlags } from './flags';
import { cacheSelectors, providerName, setupControlPlaneProvider } from './setup';

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

export async function main(argv: readonly string[]): Promise<void> {
  const flags = parseProviderFlags(argv);
  const logger = createLogger({ level: flags.manager.logLevel, name: providerName });
  if (!flags.metricsInsecure && flags.manager.metricsBindAddress !== '0') {
    logger.warn('metrics are served over plain HTTP: authenticated HTTPS metrics are not implemented yet; pass --metrics-insecure to acknowledge');
  }
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
  });
  const workloads = setupControlPlaneProvider(manager, { k8sdRoute: flags.k8sdRoute, k8sdTimeoutMs: flags.k8sdTimeoutMs, webhooks: flags.webhooks });
  try {
    await runManager(manager);
  } finally {
    await workloads.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`control plane provider: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

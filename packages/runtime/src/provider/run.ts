// The body every provider's main shares: flags → Manager → the provider's controllers and webhooks → run until
// SIGTERM, with one error line and exit 1 when anything before the run fails.
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '../logging';
import { Manager, type ManagerOptions } from '../manager/manager';
import { runManager } from '../manager/process';
import type { ProviderFlags } from './flags';

/** What a provider's setup may hand back to be closed once the manager has stopped (e.g. workload clients). */
export interface Closable {
  close(): Promise<void>;
}

export interface ProviderDefinition<F extends ProviderFlags> {
  /** Manager, logger and field manager name, e.g. "cabpck-manager". */
  name: string;
  /** The provider's command line; runtime's parseProviderFlags composed with the provider's own flags. */
  parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): F;
  cacheSelectors?: ManagerOptions['cacheSelectors'];
  /** Declares the controllers and webhooks on the manager. */
  setup(manager: Manager, flags: F): void | Closable;
}

/** Where the leader election Lease and self-managed webhook certificate live: the provider's own namespace. */
function podNamespace(env: NodeJS.ProcessEnv): string {
  return env['POD_NAMESPACE'] ?? 'default';
}

/**
 * The Manager options the provider flags call for (pure). Metrics are HTTPS with authentication and authorisation
 * unless --metrics-insecure; their certificate is the webhook's in cert-manager mode (a folder), and one the runtime
 * issues itself in self-managed mode (where the webhook certificate lives in a Secret).
 */
export function providerManagerOptions(
  name: string,
  flags: ProviderFlags,
  namespace: string,
): Pick<ManagerOptions, 'name' | 'flags' | 'leaderElectionId' | 'leaderElectionNamespace' | 'selfManagedCertificates' | 'secureMetrics'> {
  const selfManaged = flags.webhookCertMode === 'self-managed';
  return {
    name,
    flags: flags.manager,
    leaderElectionId: flags.leaderElectionId,
    leaderElectionNamespace: namespace,
    ...(selfManaged
      ? {
          selfManagedCertificates: {
            secret: { namespace, name: flags.webhookCertSecret ?? '' },
            service: { namespace, name: flags.webhookService ?? '' },
            mutatingWebhookConfigurations: flags.mutatingWebhookConfiguration ? [flags.mutatingWebhookConfiguration] : [],
            validatingWebhookConfigurations: flags.validatingWebhookConfiguration ? [flags.validatingWebhookConfiguration] : [],
          },
        }
      : {}),
    ...(flags.metricsInsecure ? {} : { secureMetrics: selfManaged ? {} : { certDir: flags.manager.webhookCertDir } }),
  };
}

/** --kubeconfig (or $KUBECONFIG), else in-cluster or ~/.kube/config as client-go would choose. */
export function providerKubeConfig(flags: ProviderFlags): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

export interface ProviderProcessOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  exit?: (code: number) => void;
  stderr?: (line: string) => void;
}

/** Runs the provider until SIGTERM/SIGINT (exit 0) or a failure (exit 1); never rejects. */
export async function runProvider<F extends ProviderFlags>(definition: ProviderDefinition<F>, host: ProviderProcessOptions = {}): Promise<void> {
  const argv = host.argv ?? process.argv.slice(2);
  const env = host.env ?? process.env;
  const exit = host.exit ?? ((code: number) => process.exit(code));
  const stderr = host.stderr ?? ((line: string) => process.stderr.write(line));
  let exitCode: number;
  try {
    const flags = definition.parseFlags(argv, env);
    const manager = new Manager({
      ...providerManagerOptions(definition.name, flags, podNamespace(env)),
      kubeConfig: providerKubeConfig(flags),
      logger: createLogger({ level: flags.manager.logLevel, name: definition.name }),
      ...(definition.cacheSelectors ? { cacheSelectors: definition.cacheSelectors } : {}),
    });
    const resources = definition.setup(manager, flags);
    exitCode = 1;
    await runManager(manager, { exit: (code) => (exitCode = code) });
    // Closed before exiting: process.exit would skip anything still pending.
    await resources?.close();
  } catch (error) {
    stderr(`${definition.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
  }
  exit(exitCode);
}

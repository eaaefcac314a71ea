// The control plane provider process: flags → Manager → controller and webhooks → run until SIGTERM; the workload
// cluster clients setup returns are closed once the manager has stopped.
import { runProvider } from '@capi-ck8s/runtime';
import { parseProviderFlags } from './flags';
import { cacheSelectors, providerName, setupControlPlaneProvider } from './setup';

void runProvider({
  name: providerName,
  parseFlags: parseProviderFlags,
  cacheSelectors,
  setup: (manager, flags) => setupControlPlaneProvider(manager, { k8sdRoute: flags.k8sdRoute, k8sdTimeoutMs: flags.k8sdTimeoutMs, webhooks: flags.webhooks }),
});

// The bootstrap provider process: flags → Manager → controllers and webhooks → run until SIGTERM.
import { runProvider } from '@capi-ck8s/runtime';
import { parseProviderFlags } from './flags';
import { cacheSelectors, providerName, setupBootstrapProvider } from './setup';

void runProvider({
  name: providerName,
  parseFlags: parseProviderFlags,
  cacheSelectors,
  setup: (manager, flags) => setupBootstrapProvider(manager, { k8sdRoute: flags.k8sdRoute, k8sdTimeoutMs: flags.k8sdTimeoutMs, webhooks: flags.webhooks }),
});

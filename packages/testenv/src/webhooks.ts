import type { KubeConfig } from '@kubernetes/client-node';
import { applyManifest } from './apply';
import type { KubernetesManifest } from './manifests';

export interface WebhookTarget {
  /** Base URL of the locally running webhook server, e.g. https://127.0.0.1:9443 */
  url: string;
  caBundlePem: string;
}

interface WebhookClientConfig {
  url?: string;
  caBundle?: string;
  service?: { path?: string };
}

const WEBHOOK_KINDS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);

/** Rewrites in-cluster service references into URLs of the local server, as a test cannot run a Service. */
export function pointWebhooksAt(configuration: KubernetesManifest, target: WebhookTarget): KubernetesManifest {
  const webhooks = (configuration['webhooks'] as { clientConfig: WebhookClientConfig }[] | undefined) ?? [];
  return {
    ...configuration,
    webhooks: webhooks.map((webhook) => ({
      ...webhook,
      clientConfig: {
        url: `${target.url}${webhook.clientConfig.service?.path ?? webhook.clientConfig.url ?? ''}`,
        caBundle: Buffer.from(target.caBundlePem).toString('base64'),
      },
    })),
  };
}

export async function registerWebhooks(
  kubeConfig: KubeConfig,
  configurations: object[],
  target: WebhookTarget,
): Promise<void> {
  for (const configuration of configurations as KubernetesManifest[]) {
    if (!WEBHOOK_KINDS.has(configuration.kind)) {
      throw new Error(`registerWebhooks expects webhook configurations, got ${configuration.kind}`);
    }
    await applyManifest(kubeConfig, pointWebhooksAt(configuration, target));
  }
}

import { ApiextensionsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { applyManifest } from './apply';
import { type KubernetesManifest, readManifests } from './manifests';
import { waitFor } from './processes';

/** A path to a YAML file or folder, or a manifest object. */
export type CrdSource = string | KubernetesManifest;

export interface InstallCrdsOptions {
  /**
   * Points `spec.conversion` of every CRD that serves more than one version at this local webhook (path /convert),
   * as CAPI's and controller-runtime's test environments do.
   */
  conversionWebhook?: { url: string; caBundlePem: string };
  timeoutMs?: number;
}

interface CrdVersion {
  name: string;
  served?: boolean;
}

interface CrdSpec {
  group: string;
  names: { plural: string };
  versions: CrdVersion[];
  conversion?: unknown;
}

function crdSpec(manifest: KubernetesManifest): CrdSpec {
  return manifest['spec'] as CrdSpec;
}

function withConversion(manifest: KubernetesManifest, options: InstallCrdsOptions): KubernetesManifest {
  const spec = crdSpec(manifest);
  const webhook = options.conversionWebhook;
  if (!webhook || spec.versions.length < 2) return manifest;
  return {
    ...manifest,
    spec: {
      ...spec,
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: {
            url: `${webhook.url}/convert`,
            caBundle: Buffer.from(webhook.caBundlePem).toString('base64'),
          },
        },
      },
    },
  };
}

function isEstablished(status: { conditions?: { type: string; status: string }[] } | undefined): boolean {
  return (status?.conditions ?? []).some((condition) => condition.type === 'Established' && condition.status === 'True');
}

/** Creates or updates CRDs and waits until every served version answers a list request. Returns the CRD names. */
export async function installCrds(
  kubeConfig: KubeConfig,
  sources: CrdSource[],
  options: InstallCrdsOptions = {},
): Promise<string[]> {
  const manifests = sources
    .flatMap((source) => (typeof source === 'string' ? readManifests(source) : [source]))
    .filter((manifest) => manifest.kind === 'CustomResourceDefinition')
    .map((manifest) => withConversion(manifest, options));
  for (const manifest of manifests) await applyManifest(kubeConfig, manifest);

  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
  const timeoutMs = options.timeoutMs ?? 30_000;
  for (const manifest of manifests) {
    const name = manifest.metadata.name;
    await waitFor(
      `CRD ${name} to be established`,
      async () => (isEstablished((await extensions.readCustomResourceDefinition({ name })).status) ? true : undefined),
      { timeoutMs },
    );
    const spec = crdSpec(manifest);
    for (const version of spec.versions.filter((candidate) => candidate.served !== false)) {
      await waitFor(
        `${spec.names.plural}.${spec.group}/${version.name} to be served`,
        async () => {
          await customObjects.listClusterCustomObject({
            group: spec.group,
            version: version.name,
            plural: spec.names.plural,
            limit: 1,
          });
          return true;
        },
        { timeoutMs },
      );
    }
  }
  return manifests.map((manifest) => manifest.metadata.name);
}

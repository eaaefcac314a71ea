// Serving certificates and webhook configurations for integration tests, limited to one namespace so that the
// provider's webhooks never judge objects of other test files sharing the apiserver.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { type ObjectClient, kindRef } from '@capi-ck8s/runtime';
import { registerWebhooks } from '@capi-ck8s/testenv';
import type { KubeConfig } from '@kubernetes/client-node';
import { webhookPaths } from '../webhooks/ck8sconfig';

export async function servingCertificateDir(): Promise<{ dir: string; caPem: string }> {
  const ca = await createCertificateAuthority({ commonName: 'cabpck-test-webhook-ca' });
  const serving = await issueCertificate({ issuer: ca, commonName: 'cabpck-webhook', ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  const dir = mkdtempSync(join(tmpdir(), 'cabpck-webhook-certs-'));
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  return { dir, caPem: ca.certPem };
}

function webhook(name: string, path: string, resource: string, namespace: string): object {
  return {
    name,
    clientConfig: { service: { name: 'cabpck-webhook-service', namespace: 'default', path } },
    rules: [{ apiGroups: ['bootstrap.cluster.x-k8s.io'], apiVersions: ['v1beta2'], operations: ['CREATE', 'UPDATE'], resources: [resource] }],
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  };
}

/** The chart's four webhooks, pointed at a locally running provider and limited to `namespace`. */
export async function registerProviderWebhooks(kubeConfig: KubeConfig, namespace: string, url: string, caPem: string): Promise<string> {
  const name = `cabpck-test-${namespace}`;
  const configuration = (kind: string, prefix: string, paths: readonly [string, string]) => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      webhook(`${prefix}.ck8sconfig.bootstrap.cluster.x-k8s.io`, paths[0], 'ck8sconfigs', namespace),
      webhook(`${prefix}.ck8sconfigtemplate.bootstrap.cluster.x-k8s.io`, paths[1], 'ck8sconfigtemplates', namespace),
    ],
  });
  await registerWebhooks(
    kubeConfig,
    [
      configuration('MutatingWebhookConfiguration', 'default', [webhookPaths.mutateConfig, webhookPaths.mutateTemplate]),
      configuration('ValidatingWebhookConfiguration', 'validate', [webhookPaths.validateConfig, webhookPaths.validateTemplate]),
    ],
    { url, caBundlePem: caPem },
  );
  return name;
}

export async function removeProviderWebhooks(client: ObjectClient, name: string): Promise<void> {
  await client.delete(kindRef('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'), { name });
  await client.delete(kindRef('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'), { name });
}

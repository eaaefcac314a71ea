import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesManifest } from './manifests';

const FIELD_MANAGER = 'capi-ck8s-testenv';
const applyHeader = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

// KubernetesObjectApi.patch would re-serialise a manifest through the client's typed models, which silently drops
// fields spelled in their wire form (e.g. `x-kubernetes-int-or-string` in CRD schemas). The generated per-kind
// patch methods send the body untouched, so each kind the environment installs goes through its own method.
const appliers: Record<string, (kubeConfig: KubeConfig, manifest: KubernetesManifest) => Promise<unknown>> = {
  CustomResourceDefinition: (kubeConfig, manifest) =>
    kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .patchCustomResourceDefinition(
        { name: manifest.metadata.name, body: manifest, fieldManager: FIELD_MANAGER, force: true },
        applyHeader,
      ),
  MutatingWebhookConfiguration: (kubeConfig, manifest) =>
    kubeConfig
      .makeApiClient(AdmissionregistrationV1Api)
      .patchMutatingWebhookConfiguration(
        { name: manifest.metadata.name, body: manifest, fieldManager: FIELD_MANAGER, force: true },
        applyHeader,
      ),
  ValidatingWebhookConfiguration: (kubeConfig, manifest) =>
    kubeConfig
      .makeApiClient(AdmissionregistrationV1Api)
      .patchValidatingWebhookConfiguration(
        { name: manifest.metadata.name, body: manifest, fieldManager: FIELD_MANAGER, force: true },
        applyHeader,
      ),
};

/** Server-side apply with force: the test environment owns the objects it installs. */
export async function applyManifest(kubeConfig: KubeConfig, manifest: KubernetesManifest): Promise<void> {
  const apply = appliers[manifest.kind];
  if (!apply) throw new Error(`the test environment does not install ${manifest.kind} objects`);
  await apply(kubeConfig, manifest);
}

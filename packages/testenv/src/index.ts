export { binaryPath, ensureBinaries, pinnedVersions, cacheRoot, type BinaryName } from './binaries';
export { startControlPlane, TestControlPlane, kubeConfigFromCertificates, type ControlPlaneOptions } from './control-plane';
export { startClusterApiCore, clusterApiModuleFolder, type ClusterApiCore } from './cluster-api';
export {
  startEnvironment,
  sharedEnvironment,
  environmentState,
  STATE_VARIABLE,
  type TestEnvironment,
  type SharedEnvironment,
  type EnvironmentState,
} from './environment';
export { installCrds, type CrdSource, type InstallCrdsOptions } from './crds';
export { registerWebhooks, pointWebhooksAt, type WebhookTarget } from './webhooks';
export { readManifests, type KubernetesManifest } from './manifests';
export { createTestNamespace, deleteTestNamespace } from './namespaces';
export { freeLoopbackPort } from './ports';
export { ManagedProcess, waitFor, waitForProcessReady } from './processes';
export {
  testCrd,
  contractCrd,
  testInfrastructureProvider,
  testProviderId,
  OPEN_SCHEMA,
  CAPI_V1BETA2_CONTRACT_LABELS,
  type TestCrdOptions,
  type TestCrdVersion,
  type TestKind,
} from './test-crds';

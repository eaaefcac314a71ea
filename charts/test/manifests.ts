import type { KubernetesManifest } from '@capi-ck8s/testenv';

/** Small readers over rendered manifests, so assertions name what they check rather than how to dig it out. */

export function ofKind(manifests: readonly KubernetesManifest[], kind: string): KubernetesManifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

export function single(manifests: readonly KubernetesManifest[], kind: string, name?: string): KubernetesManifest {
  const matches = ofKind(manifests, kind).filter((manifest) => name === undefined || manifest.metadata.name === name);
  const [match] = matches;
  if (!match || matches.length > 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${matches.length}`);
  }
  return match;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export function rulesOf(manifest: KubernetesManifest): PolicyRule[] {
  return (manifest['rules'] as PolicyRule[] | null | undefined) ?? [];
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[];
}

export interface DeploymentShape {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

export function deploymentOf(manifests: readonly KubernetesManifest[]): DeploymentShape {
  return single(manifests, 'Deployment') as unknown as DeploymentShape;
}

export interface WebhookShape {
  name: string;
  admissionReviewVersions: string[];
  clientConfig: { service: { name: string; namespace: string; path: string }; caBundle?: string };
  failurePolicy: string;
  matchPolicy: string;
  sideEffects: string;
  rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  namespaceSelector?: unknown;
}

export function webhooksOf(manifests: readonly KubernetesManifest[], kind: string): WebhookShape[] {
  return single(manifests, kind)['webhooks'] as WebhookShape[];
}

export function annotationsOf(manifest: KubernetesManifest): Record<string, string> {
  return (manifest.metadata['annotations'] as Record<string, string> | undefined) ?? {};
}

export function labelsOf(manifest: KubernetesManifest): Record<string, string> {
  return (manifest.metadata['labels'] as Record<string, string> | undefined) ?? {};
}

/** Every string of every rule of every Role and ClusterRole: where a wildcard would hide. */
export function ruleStrings(manifests: readonly KubernetesManifest[]): string[] {
  return manifests
    .filter((manifest) => manifest.kind === 'Role' || manifest.kind === 'ClusterRole')
    .flatMap(rulesOf)
    .flatMap((rule) => [
      ...(rule.apiGroups ?? []),
      ...(rule.resources ?? []),
      ...(rule.resourceNames ?? []),
      ...(rule.nonResourceURLs ?? []),
      ...rule.verbs,
    ]);
}

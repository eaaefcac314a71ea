// The control plane provider's command line: the runtime's provider flags plus k8sd's (see
// charts/controlplane-provider and provider-common's "provider.args").
import { type K8sdFlags, k8sdFlagOptions, parseK8sdFlags } from '@capi-ck8s/k8sd';
import { parseDuration, parseProviderFlags as parseProcessFlags, type ProviderFlags as ProcessFlags } from '@capi-ck8s/runtime';

export type ProviderFlags = ProcessFlags & K8sdFlags;

/** Upstream CACPCK's leader election Lease name; the chart passes it too. */
export const defaultLeaderElectionId = '148fa072.controlplane.cluster.x-k8s.io';

export function parseProviderFlags(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ProviderFlags {
  const flags = parseProcessFlags(argv, { defaultLeaderElectionId, env, extraOptions: k8sdFlagOptions });
  return { ...flags, ...parseK8sdFlags(flags.extra, parseDuration) };
}

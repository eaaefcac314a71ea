// The k8sd flags upstream providers take (--k8sd-route, --k8sd-dial-timeout-duration). A provider passes
// `k8sdFlagOptions` to its command-line parser and hands the parsed values here; the duration parser comes from the
// caller so that Go-style durations are read the same way as every other duration flag.
import { DEFAULT_K8SD_TIMEOUT_MS } from './client';
import type { K8sdRoute } from './workload';

const K8SD_ROUTES: readonly K8sdRoute[] = ['port-forward', 'direct'];

export const k8sdFlagOptions = {
  'k8sd-route': { type: 'string' },
  'k8sd-dial-timeout-duration': { type: 'string' },
} as const;

export interface K8sdFlags {
  /** port-forward (upstream's default) reaches k8sd through the workload apiserver; direct dials the node. */
  k8sdRoute: K8sdRoute;
  k8sdTimeoutMs: number;
}

function isK8sdRoute(value: unknown): value is K8sdRoute {
  return K8SD_ROUTES.includes(value as K8sdRoute);
}

export function parseK8sdFlags(values: Readonly<Record<string, unknown>>, parseDuration: (text: string) => number): K8sdFlags {
  const route = values['k8sd-route'] ?? 'port-forward';
  if (!isK8sdRoute(route)) throw new Error(`--k8sd-route must be one of ${K8SD_ROUTES.join(', ')} (got ${JSON.stringify(route)})`);
  const timeout = values['k8sd-dial-timeout-duration'];
  return { k8sdRoute: route, k8sdTimeoutMs: typeof timeout === 'string' ? parseDuration(timeout) : DEFAULT_K8SD_TIMEOUT_MS };
}

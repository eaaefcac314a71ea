// Certificate expiry and refresh of one Machine's node, decided from its annotations (upstream's interface). Pure.
import { annotations, parseGoDuration, upgradeStatuses } from '@capi-ck8s/api';

const DAY_SECONDS = 24 * 60 * 60;
const ttlUnits: Record<string, number> = { y: 365 * DAY_SECONDS, mo: 30 * DAY_SECONDS, d: DAY_SECONDS };

/** Seconds of a refresh TTL as upstream reads it: `<n>y` (365 days), `<n>mo` (30 days), `<n>d`, or a Go duration. */
export function parseCertificateTtl(text: string): number | undefined {
  const calendar = /^(\d+)(y|mo|d)$/.exec(text);
  const seconds = calendar ? Number(calendar[1]) * (ttlUnits[calendar[2] ?? ''] ?? 0) : (parseGoDuration(text) ?? 0) / 1000;
  return seconds >= 1 ? Math.floor(seconds) : undefined;
}

export type CertificatesStep =
  | { kind: 'idle' }
  | { kind: 'wait-for-node' }
  | { kind: 'read-expiry' }
  | { kind: 'refresh'; ttlSeconds: number }
  | { kind: 'invalid-ttl'; message: string }
  | { kind: 'clear-status' };

/**
 * In upstream's order: nothing for a deleting Machine or before it has a node; an in-progress status whose request
 * was withdrawn is cleared; a request is carried out (again, if a provider stopped in the middle of it: a refresh
 * runs within one reconcile, so an in-progress status seen at the start means the last run was cut short); and the
 * expiry is read once for a Machine that has none.
 */
export function nextCertificatesStep(machineAnnotations: Readonly<Record<string, string>> | undefined, hasNode: boolean): CertificatesStep {
  if (!hasNode) return { kind: 'wait-for-node' };
  const request = machineAnnotations?.[annotations.refreshCertificates];
  const status = machineAnnotations?.[annotations.refreshCertificatesStatus];
  if (request === undefined) {
    if (status === upgradeStatuses.inProgress) return { kind: 'clear-status' };
    return machineAnnotations?.[annotations.certificatesExpiry] ? { kind: 'idle' } : { kind: 'read-expiry' };
  }
  const ttlSeconds = parseCertificateTtl(request);
  if (ttlSeconds === undefined) {
    return {
      kind: 'invalid-ttl',
      message: `annotation ${annotations.refreshCertificates} "${request}" must be a TTL such as 1y, 6mo, 30d or 720h`,
    };
  }
  return { kind: 'refresh', ttlSeconds };
}

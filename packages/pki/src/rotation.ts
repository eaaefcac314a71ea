import { X509Certificate } from 'node:crypto';

/** A certificate is due for rotation once half of its life has passed (as CAPI's KCP does for its kubeconfig). */
export function needsRotation(certPem: string, now: Date = new Date()): boolean {
  const certificate = new X509Certificate(certPem);
  const start = certificate.validFromDate.getTime();
  const end = certificate.validToDate.getTime();
  return now.getTime() >= start + (end - start) / 2;
}

import { X509Certificate } from 'node:crypto';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from './certificates';
import type { KeyAlgorithm } from './keys';

/** Upstream gives both cluster CAs this common name. */
export const CLUSTER_CA_COMMON_NAME = 'kubernetes';
export const ADMIN_COMMON_NAME = 'kubernetes-admin';
export const ADMIN_ORGANIZATION = 'system:masters';
export const CLUSTER_CA_VALIDITY_DAYS = 3650;
/** CAPI's DefaultCertDuration, the admin client certificate's life. */
export const ADMIN_CERTIFICATE_VALIDITY_DAYS = 365;

export interface ClusterCertificateAuthorities {
  /** `<cluster>-ca`: signs the serving certificates; its certificate is the kubeconfig's cluster CA. */
  ca: CertificateAndKey;
  /** `<cluster>-cca`: signs client certificates (the kube-apiserver's --client-ca-file). */
  clientCa: CertificateAndKey;
}

export interface ClusterPkiOptions {
  /**
   * RSA-2048 by default. Keep RSA for CAs handed to k8s-snap nodes: k8s-snap loads CA keys with an RSA-only loader.
   * ECDSA P-256 suits what only the management side and the API server read, such as the admin client certificate.
   */
  algorithm?: KeyAlgorithm;
  now?: Date;
}

export async function generateClusterCertificateAuthorities(
  options: ClusterPkiOptions = {},
): Promise<ClusterCertificateAuthorities> {
  const profile = {
    commonName: CLUSTER_CA_COMMON_NAME,
    validityDays: CLUSTER_CA_VALIDITY_DAYS,
    maxPathLength: 0,
    ...options,
  };
  const [ca, clientCa] = await Promise.all([createCertificateAuthority(profile), createCertificateAuthority(profile)]);
  return { ca, clientCa };
}

export interface AdminCertificateOptions extends ClusterPkiOptions {
  clientCa: CertificateAndKey;
  validityDays?: number;
}

/** `kubernetes-admin` in `system:masters`, signed by the client CA; like upstream it starts when the CA starts. */
export async function issueAdminClientCertificate(options: AdminCertificateOptions): Promise<CertificateAndKey> {
  return issueCertificate({
    issuer: options.clientCa,
    commonName: ADMIN_COMMON_NAME,
    organizations: [ADMIN_ORGANIZATION],
    usages: ['clientAuth'],
    validityDays: options.validityDays ?? ADMIN_CERTIFICATE_VALIDITY_DAYS,
    // A fresh Date: Node hands out Dates from its own realm, which fail `instanceof Date` inside a VM context (jest).
    notBefore: new Date(new X509Certificate(options.clientCa.certPem).validFromDate.getTime()),
    ...(options.now ? { now: options.now } : {}),
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  });
}

// The k8sd endpoints the providers call, with their exact JSON shapes (k8s-snap-api v1.1.0, prefix /1.0/).

export const K8SD_API_PREFIX = '/1.0';

export const K8SD_PATHS = {
  root: '/',
  generateJoinToken: `${K8SD_API_PREFIX}/x/capi/generate-join-token`,
  removeNode: `${K8SD_API_PREFIX}/x/capi/remove-node`,
  certificatesExpiry: `${K8SD_API_PREFIX}/x/capi/certificates-expiry`,
  refreshCertificatesPlan: `${K8SD_API_PREFIX}/x/capi/refresh-certs/plan`,
  refreshCertificatesRun: `${K8SD_API_PREFIX}/x/capi/refresh-certs/run`,
  refreshCertificatesApprove: `${K8SD_API_PREFIX}/x/capi/refresh-certs/approve`,
  snapRefresh: `${K8SD_API_PREFIX}/snap/refresh`,
  snapRefreshStatus: `${K8SD_API_PREFIX}/snap/refresh-status`,
} as const;

/** Cluster-wide token (secret `<cluster>-token` key `value`), stored in k8sd by `k8s x-capi set-auth-token`. */
export const CAPI_AUTH_TOKEN_HEADER = 'capi-auth-token';
/** Per-node token (secret `<cluster>-token` key `node-token-<machine>`), compared with the node's token file. */
export const NODE_TOKEN_HEADER = 'node-token';

export interface GenerateJoinTokenRequest {
  /** Hostname the token is bound to; empty for a worker token any hostname may use. */
  name: string;
  worker: boolean;
  /** Go time.Duration in nanoseconds; omitted means 24 h server-side. */
  ttl?: number;
}
export interface GenerateJoinTokenResponse {
  token: string;
}

export interface RemoveNodeRequest {
  name: string;
  force: boolean;
  /** Go time.Duration in nanoseconds. */
  timeout: number;
}

export interface CertificatesExpiryResponse {
  /** RFC 3339: the earliest NotAfter among the node's CA, client CA, admin, kubelet-client and front-proxy certs. */
  'expiry-date': string;
}

export interface RefreshCertificatesPlanRequest {
  certificates: string[] | null;
}
export interface RefreshCertificatesPlanResponse {
  /** The seed, under the JSON key `seconds` (a quirk of k8s-snap-api). */
  seconds: number;
  /** Names of the CertificateSigningRequests a worker will create; absent or empty for control plane nodes. */
  'certificate-signing-requests'?: string[] | null;
}

export interface RefreshCertificatesRunRequest {
  seed: number;
  /** Requested lifetime of the new certificates, in seconds. */
  'expiration-seconds': number;
  /** Extra SANs for the kube-apiserver certificate; ignored by workers. */
  'extra-sans': string[] | null;
}
export interface RefreshCertificatesRunResponse {
  /** Despite the name: the Unix time (seconds) of the new certificates' NotAfter. */
  'expiration-seconds': number;
}

export interface ApproveWorkerCsrRequest {
  seed: number;
}

/** Exactly one of the three is non-empty. */
export interface SnapRefreshRequest {
  channel: string;
  revision: string;
  localPath: string;
}
export interface SnapRefreshResponse {
  changeId: string;
}

export interface SnapRefreshStatusRequest {
  changeId: string;
}
export interface SnapRefreshStatusResponse {
  /** snapd change status: Do, Doing, Done, Error, Undo, Undoing, Hold, Abort, Wait. */
  status: string;
  /** The status is final once true. */
  completed: boolean;
  errorMessage: string;
}

/** The microcluster/LXD response envelope every k8sd endpoint answers with. */
export interface K8sdEnvelope<T = unknown> {
  type: 'sync' | 'error' | 'async';
  status: string;
  status_code: number;
  operation: string;
  error_code: number;
  error: string;
  metadata: T;
}

import type { CertificateAndKey } from '@capi-ck8s/pki';
import type { Cache, Clock, EventRecorder, ObjectClient, RestClient } from '@capi-ck8s/runtime';
import type { JoinTokenIssuer } from '../../workload/join-tokens';

/** The I/O a CK8sConfig reconcile may do; tests swap the join token issuer and the CA generator. */
export interface ReconcileDependencies {
  cache: Cache;
  client: ObjectClient;
  rest: RestClient;
  clock: Clock;
  events: EventRecorder;
  joinTokens: JoinTokenIssuer;
  generateCertificateAuthority: () => Promise<CertificateAndKey>;
}

/**
 * Something the reconcile must wait for that no error explains: it becomes DataSecretAvailable=False with `reason`
 * and `message` (which tells the user what is missing), and the config is looked at again after `retryAfterMs` or
 * when a watched object changes.
 */
export class Waiting extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'Waiting';
  }
}

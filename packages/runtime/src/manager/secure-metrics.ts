import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import Fastify from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock';
import type { RestClient } from '../client/rest-client';
import type { ServingCertificate } from '../webhook/cert-watcher';
import type { Listener } from './http-endpoints';

interface TokenReview {
  status?: { authenticated?: boolean; user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } };
}

interface SubjectAccessReview {
  status?: { allowed?: boolean };
}

/** Decisions are cached briefly so that a Prometheus scraping every few seconds costs two reviews per window. */
const DECISION_TTL_MS = 10_000;

export type MetricsAccess = 200 | 401 | 403;

/**
 * controller-runtime's secure metrics filter: the bearer token is checked with a TokenReview, then the user must
 * be allowed `get` on the non-resource URL (e.g. /metrics) by a SubjectAccessReview.
 */
export class MetricsAuthorizer {
  private readonly decisions = new Map<string, { access: MetricsAccess; until: number }>();

  constructor(
    private readonly rest: RestClient,
    private readonly clock: Clock,
  ) {}

  async access(authorization: string | undefined, path: string): Promise<MetricsAccess> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return 401;
    const cacheKey = `${path}\u0000${token}`;
    const cached = this.decisions.get(cacheKey);
    const now = this.clock.now();
    if (cached && cached.until > now) return cached.access;
    const access = await this.review(token, path);
    this.decisions.set(cacheKey, { access, until: now + DECISION_TTL_MS });
    for (const [key, decision] of this.decisions) if (decision.until <= now) this.decisions.delete(key);
    return access;
  }

  private async review(token: string, path: string): Promise<MetricsAccess> {
    const review = await this.rest.request<TokenReview>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const user = review.status?.user;
    if (!review.status?.authenticated || !user) return 401;
    const decision = await this.rest.request<SubjectAccessReview>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb: 'get' } },
      },
    });
    return decision.status?.allowed ? 200 : 403;
  }
}

/** A throwaway self-signed serving certificate, as controller-runtime creates when no certificate is given. */
export async function selfSignedServingCertificate(): Promise<ServingCertificate> {
  const ca = await createCertificateAuthority({ commonName: 'metrics-self-signed-ca' });
  const serving = await issueCertificate({ issuer: ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  return { certPem: serving.certPem, keyPem: serving.keyPem };
}

/** `/metrics` over HTTPS, answering only authenticated and authorised callers. */
export function secureMetricsServer(
  registry: Registry,
  certificate: ServingCertificate,
  authorizer: MetricsAuthorizer,
): Listener & { useCertificate(certificate: ServingCertificate): void } {
  const app = Fastify({ logger: false, https: { cert: certificate.certPem, key: certificate.keyPem } });
  app.get('/metrics', async (request, reply) => {
    const access = await authorizer.access(request.headers.authorization, '/metrics');
    if (access !== 200) return reply.code(access).type('text/plain').send(access === 401 ? 'Unauthorized' : 'Forbidden');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return Object.assign(app, {
    useCertificate: (next: ServingCertificate) => app.server.setSecureContext({ cert: next.certPem, key: next.keyPem }),
  });
}

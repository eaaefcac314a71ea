import { Server as HttpsServer } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ConnectionDrain } from '../connection-drain';
import type { RuntimeMetrics } from '../metrics/metrics';
import { groupOf, type KindRef, type KubeObject } from '../objects';
import { type AdmissionReview, type AdmissionResponse, type Defaulter, denied, runDefaulter, runValidator, type Validator } from './admission';
import type { ServingCertificate } from './cert-watcher';
import { type ConversionReview, type Converter, review } from './conversion';

/** controller-runtime's limit: two objects of at most 3 MiB each plus the review around them. */
export const WEBHOOK_BODY_LIMIT = 7 * 1024 * 1024;

export interface WebhookServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  metrics: RuntimeMetrics;
}

type Handler = (body: unknown) => Promise<unknown>;

/** kubebuilder's path convention, e.g. `/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig`. */
export function admissionPath(operation: 'mutate' | 'validate', kind: KindRef): string {
  const group = groupOf(kind.apiVersion).replaceAll('.', '-');
  const version = kind.apiVersion.slice(kind.apiVersion.lastIndexOf('/') + 1);
  // An empty (core) group leaves a double dash, exactly as controller-runtime builds it.
  return `/${operation}-${group}-${version}-${kind.kind.toLowerCase()}`;
}

/**
 * HTTPS server for admission (mutating/validating, AdmissionReview v1) and conversion (ConversionReview v1)
 * webhooks. Paths are registered before `start`; the certificate can be swapped at any time without dropping
 * connections (new handshakes use the new one).
 */
export class WebhookServer {
  private readonly handlers = new Map<string, Handler>();
  private app: FastifyInstance | undefined;
  private drain: ConnectionDrain | undefined;
  private boundPort: number | undefined;

  constructor(private readonly options: WebhookServerOptions) {}

  /** Paths registered so far, for wiring webhook configurations. */
  paths(): string[] {
    return [...this.handlers.keys()];
  }

  mutating<T extends KubeObject>(path: string, defaulter: Defaulter<T>): void {
    this.register(path, async (body) => {
      const request = admissionRequest<T>(body);
      return reviewOf(await runDefaulter(request, defaulter));
    });
  }

  validating<T extends KubeObject>(path: string, validator: Validator<T>): void {
    this.register(path, async (body) => {
      const request = admissionRequest<T>(body);
      return reviewOf(await runValidator(request, validator));
    });
  }

  conversion(path: string, converter: Converter): void {
    this.register(path, async (body) => {
      const candidate = body as Partial<ConversionReview> | undefined;
      const request = candidate?.request;
      if (candidate?.kind !== 'ConversionReview' || !request || !Array.isArray(request.objects) || !request.desiredAPIVersion) {
        throw new BadReview('body must be a ConversionReview with request.uid, request.desiredAPIVersion and request.objects');
      }
      return review(request, converter);
    });
  }

  async start(certificate: ServingCertificate): Promise<void> {
    if (this.app) throw new Error('webhook server already started');
    const app = Fastify({
      https: { cert: certificate.certPem, key: certificate.keyPem },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      logger: false,
    });
    for (const [path, handler] of this.handlers) {
      app.post(path, (request, reply) => this.serve(path, handler, request, reply));
    }
    const drain = new ConnectionDrain(app.server);
    const address = await app.listen({ port: this.options.port, host: this.options.host ?? '0.0.0.0' });
    this.boundPort = Number(new URL(address).port);
    this.app = app;
    this.drain = drain;
    this.options.logger.info({ port: this.boundPort, paths: this.paths() }, 'webhook server listening');
  }

  /** The port actually bound (useful with port 0). */
  port(): number {
    if (this.boundPort === undefined) throw new Error('webhook server not started');
    return this.boundPort;
  }

  isServing(): boolean {
    return this.app !== undefined;
  }

  useCertificate(certificate: ServingCertificate): void {
    const server: unknown = this.app?.server;
    if (server instanceof HttpsServer) server.setSecureContext({ cert: certificate.certPem, key: certificate.keyPem });
  }

  async stop(): Promise<void> {
    const { app, drain } = this;
    this.app = undefined;
    this.drain = undefined;
    if (app) await drain?.close(() => app.close());
  }

  private register(path: string, handler: Handler): void {
    if (!path.startsWith('/')) throw new Error(`webhook path "${path}" must start with "/"`);
    if (this.handlers.has(path)) throw new Error(`webhook path "${path}" is registered twice`);
    if (this.app) throw new Error(`webhook path "${path}" registered after the server started`);
    this.handlers.set(path, handler);
  }

  private async serve(path: string, handler: Handler, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const { metrics, logger } = this.options;
    const startedAt = performance.now();
    metrics.webhookInFlight.inc({ webhook: path });
    let code = 200;
    try {
      return await handler(request.body);
    } catch (error) {
      if (error instanceof BadReview) {
        code = 400;
        return reply.code(400).send({ message: error.message });
      }
      // Answer with a well-formed denial carrying the reason, rather than a bare 500 the apiserver can't show.
      logger.error({ webhook: path, err: error }, 'webhook handler failed');
      metrics.webhookPanics.inc();
      const uid = (request.body as Partial<AdmissionReview> | undefined)?.request?.uid ?? '';
      return reviewOf(denied(uid, 500, error instanceof Error ? error.message : String(error), 'InternalError'));
    } finally {
      metrics.webhookInFlight.dec({ webhook: path });
      metrics.webhookRequests.inc({ webhook: path, code: String(code) });
      metrics.webhookLatency.observe({ webhook: path }, (performance.now() - startedAt) / 1000);
    }
  }
}

class BadReview extends Error {}

function admissionRequest<T extends KubeObject>(body: unknown): NonNullable<AdmissionReview<T>['request']> {
  const candidate = body as Partial<AdmissionReview<T>> | undefined;
  if (candidate?.kind !== 'AdmissionReview' || candidate.apiVersion !== 'admission.k8s.io/v1' || !candidate.request?.uid) {
    throw new BadReview('body must be an admission.k8s.io/v1 AdmissionReview with request.uid');
  }
  return candidate.request;
}

function reviewOf(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

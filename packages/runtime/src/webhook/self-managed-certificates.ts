import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors';
import type { ObjectClient } from '../client/object-client';
import { base64, coreKinds, type Secret, secretText } from '../core-kinds';
import { type KubeObject, kindRef } from '../objects';
import type { ServingCertificate } from './cert-watcher';

interface WebhookConfiguration extends KubeObject {
  webhooks?: { name: string; clientConfig: { caBundle?: string } & Record<string, unknown> }[];
}

interface CustomResourceDefinition extends KubeObject {
  spec: { conversion?: { strategy?: string; webhook?: { clientConfig?: { caBundle?: string } } } };
}

const MUTATING = kindRef<WebhookConfiguration>('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration');
const VALIDATING = kindRef<WebhookConfiguration>('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration');
const CRD = kindRef<CustomResourceDefinition>('apiextensions.k8s.io/v1', 'CustomResourceDefinition');

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SelfManagedCertificateOptions {
  /** Where the CA and serving certificate live (keys tls.crt, tls.key, ca.crt). */
  secret: { namespace: string; name: string };
  /** The Service in front of the webhook server; its DNS names go into the certificate. */
  service: { namespace: string; name: string };
  mutatingWebhookConfigurations?: readonly string[];
  validatingWebhookConfigurations?: readonly string[];
  /** CRDs whose conversion webhook should trust the CA. */
  customResourceDefinitions?: readonly string[];
  /** Renew the serving certificate when it has fewer days left than this. */
  renewBeforeDays?: number;
}

export interface ManagedCertificate extends ServingCertificate {
  caPem: string;
}

/** Which DNS names the serving certificate must carry for a Service. */
export function serviceDnsNames(service: { namespace: string; name: string }): string[] {
  return [`${service.name}.${service.namespace}.svc`, `${service.name}.${service.namespace}.svc.cluster.local`];
}

/** Whether a stored certificate can keep serving: it parses, names the service, and is not close to expiry. */
export function certificateStillGood(certPem: string, dnsNames: readonly string[], nowMs: number, renewBeforeDays: number): boolean {
  try {
    const certificate = new X509Certificate(certPem);
    const notAfter = Date.parse(certificate.validTo);
    return notAfter - nowMs > renewBeforeDays * DAY_MS && dnsNames.every((name) => certificate.checkHost(name) === name);
  } catch {
    return false;
  }
}

/**
 * For clusters without cert-manager: keeps a CA and a serving certificate in a Secret (creating or renewing them
 * as needed; concurrent replicas converge on whichever write wins) and injects the CA bundle into the webhook
 * configurations and CRD conversion settings.
 */
export class SelfManagedCertificates {
  constructor(
    private readonly client: ObjectClient,
    private readonly options: SelfManagedCertificateOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The certificate to serve, from the Secret or freshly issued into it. */
  async ensure(): Promise<ManagedCertificate> {
    const { secret: secretKey, renewBeforeDays = 30 } = this.options;
    const dnsNames = serviceDnsNames(this.options.service);
    const stored = await this.client.find(coreKinds.secret, secretKey);
    const current = stored && decode(stored);
    if (current && certificateStillGood(current.certPem, dnsNames, this.clock.now(), renewBeforeDays)) return current;
    const issued = await this.issue(dnsNames, current?.caPem && current.caKeyPem ? { certPem: current.caPem, keyPem: current.caKeyPem } : undefined);
    const data = {
      'tls.crt': base64(issued.certPem),
      'tls.key': base64(issued.keyPem),
      'ca.crt': base64(issued.caPem),
      'ca.key': base64(issued.caKeyPem),
    };
    try {
      if (stored) await this.client.update<Secret>({ ...stored, data });
      else await this.client.create<Secret>({ apiVersion: 'v1', kind: 'Secret', metadata: { ...secretKey }, type: 'kubernetes.io/tls', data });
      this.logger.info({ secret: `${secretKey.namespace}/${secretKey.name}` }, 'issued webhook serving certificate');
      return issued;
    } catch (error) {
      // Another replica wrote first: use what it stored so that every replica serves the same chain.
      if (!isConflict(error) && !isAlreadyExists(error)) throw error;
      const winner = decode(await this.client.get(coreKinds.secret, secretKey));
      if (!winner) throw new Error(`secret ${secretKey.namespace}/${secretKey.name} lacks tls.crt, tls.key or ca.crt`);
      return winner;
    }
  }

  /** Writes the CA bundle into every configured webhook configuration and CRD (skipping ones already right). */
  async injectCaBundle(caPem: string): Promise<void> {
    const caBundle = base64(caPem);
    for (const [kind, names] of [
      [MUTATING, this.options.mutatingWebhookConfigurations ?? []],
      [VALIDATING, this.options.validatingWebhookConfigurations ?? []],
    ] as const) {
      for (const name of names) {
        const configuration = await this.client.get(kind, { name });
        const webhooks = (configuration.webhooks ?? []).map((webhook) => ({ ...webhook, clientConfig: { ...webhook.clientConfig, caBundle } }));
        await this.client.patch(configuration, { ...configuration, webhooks }, { optimisticLock: true });
      }
    }
    for (const name of this.options.customResourceDefinitions ?? []) {
      try {
        const crd = await this.client.get(CRD, { name });
        if (crd.spec.conversion?.strategy !== 'Webhook') continue;
        await this.client.mergePatch(CRD, { name }, { spec: { conversion: { webhook: { clientConfig: { caBundle } } } } });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.logger.warn({ crd: name }, 'CRD for CA injection not found');
      }
    }
  }

  private async issue(dnsNames: string[], existingCa: ServingCertificate | undefined): Promise<ManagedCertificate & { caKeyPem: string }> {
    const now = new Date(this.clock.now());
    const ca = existingCa ?? (await createCertificateAuthority({ commonName: `${this.options.service.name}-webhook-ca`, now }));
    const serving = await issueCertificate({ issuer: ca, commonName: dnsNames[0] ?? this.options.service.name, dnsNames, usages: ['serverAuth'], now });
    return { certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem, caKeyPem: ca.keyPem };
  }
}

function decode(secret: Secret): (ManagedCertificate & { caKeyPem?: string }) | undefined {
  const field = (name: string): string | undefined => secretText(secret, name);
  const certPem = field('tls.crt');
  const keyPem = field('tls.key');
  const caPem = field('ca.crt');
  if (!certPem || !keyPem || !caPem) return undefined;
  const caKeyPem = field('ca.key');
  return { certPem, keyPem, caPem, ...(caKeyPem ? { caKeyPem } : {}) };
}

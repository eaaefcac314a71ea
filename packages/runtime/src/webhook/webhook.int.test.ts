import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { startControlPlane, type TestControlPlane, testCrd } from '@capi-ck8s/testenv';
import { pino } from 'pino';
import { type Clock, FakeClock, realClock } from '../clock';
import { ApiError } from '../client/errors';
import { ObjectClient } from '../client/object-client';
import { RestClient } from '../client/rest-client';
import { RuntimeMetrics } from '../metrics/metrics';
import { kindRef, type KubeObject } from '../objects';
import { CertWatcher } from './cert-watcher';
import { fieldErrors } from './field-errors';
import { SelfManagedCertificates, serviceDnsNames, certificateStillGood } from './self-managed-certificates';
import { WebhookServer } from './server';

const logger = pino({ level: 'silent' });
const NAMESPACE = 'webhook-test';

type ConfigMap = KubeObject & { data?: Record<string, string> };
type GadgetV1 = KubeObject & { spec: { sizeInches: number; colour?: string } };
type GadgetV2 = KubeObject & { spec: { size: { value: number; unit: 'in' }; colour?: string } };

const GADGET_V1 = kindRef<GadgetV1>('gadgets.runtime-test.capi-ck8s.io/v1', 'Gadget');
const GADGET_V2 = kindRef<GadgetV2>('gadgets.runtime-test.capi-ck8s.io/v2', 'Gadget');

const gadgetCrd = testCrd({
  group: 'gadgets.runtime-test.capi-ck8s.io',
  kind: 'Gadget',
  versions: [
    {
      name: 'v1',
      status: false,
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { sizeInches: { type: 'integer' }, colour: { type: 'string' } } } } },
    },
    {
      name: 'v2',
      status: false,
      schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { size: { type: 'object', properties: { value: { type: 'integer' }, unit: { type: 'string' } } }, colour: { type: 'string' } },
          },
        },
      },
    },
  ],
});

function webhookConfiguration(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', path: string) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name: `runtime-test-${kind.toLowerCase()}` },
    webhooks: [
      {
        name: `${kind === 'MutatingWebhookConfiguration' ? 'default' : 'validate'}.configmaps.runtime-test.capi-ck8s.io`,
        clientConfig: { service: { name: 'webhook-service', namespace: 'system', path } },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { 'runtime-test/webhooks': 'on' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Fail',
        timeoutSeconds: 10,
      },
    ],
  };
}

const toV2 = (gadget: GadgetV1): GadgetV2 => {
  const { sizeInches, ...rest } = gadget.spec;
  return { ...gadget, apiVersion: GADGET_V2.apiVersion, spec: { ...rest, size: { value: sizeInches, unit: 'in' } } };
};
const toV1 = (gadget: GadgetV2): GadgetV1 => {
  const { size, ...rest } = gadget.spec;
  return { ...gadget, apiVersion: GADGET_V1.apiVersion, spec: { ...rest, sizeInches: size.value } };
};

/** The serial number of the certificate a fresh TLS connection to the server is offered. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().serialNumber.toUpperCase());
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('webhooks called by a real apiserver', () => {
  let cp: TestControlPlane;
  let ca: CertificateAndKey;
  let certDir: string;
  let server: WebhookServer;
  let watcher: CertWatcher;
  let rest: RestClient;
  let client: ObjectClient;

  const servingCertificate = () => issueCertificate({ issuer: ca, commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
  function writeCertificate(pair: CertificateAndKey): void {
    writeFileSync(join(certDir, 'tls.key'), pair.keyPem);
    writeFileSync(join(certDir, 'tls.crt'), pair.certPem);
  }

  beforeAll(async () => {
    [cp, ca] = await Promise.all([startControlPlane({ name: 'runtime-webhooks', controllerManager: false }), createCertificateAuthority({ commonName: 'webhook-ca' })]);
    certDir = mkdtempSync(join(tmpdir(), 'runtime-webhook-certs-'));
    writeCertificate(await servingCertificate());
    watcher = new CertWatcher({ certDir, clock: realClock, logger, pollIntervalMs: 1000 });
    server = new WebhookServer({ port: 0, host: '127.0.0.1', logger, metrics: new RuntimeMetrics() });
    server.mutating<ConfigMap>('/mutate-configmap', (configMap) => {
      configMap.metadata.labels = { ...configMap.metadata.labels, defaulted: 'true' };
      configMap.data = { defaultKey: 'defaultValue', ...configMap.data };
    });
    server.validating<ConfigMap>('/validate-configmap', {
      validateCreate: (configMap) => ({
        errors: Object.keys(configMap.data ?? {})
          .filter((key) => key.startsWith('bad'))
          .map((key) => fieldErrors.invalid(`data.${key}`, configMap.data?.[key], 'keys starting with "bad" are refused')),
        warnings: ['configmaps are watched by a test'],
      }),
    });
    server.conversion('/convert', (object, desired) => (desired === GADGET_V2.apiVersion ? toV2(object as GadgetV1) : toV1(object as GadgetV2)));
    await server.start(await watcher.start());
    watcher.onChange((certificate) => server.useCertificate(certificate));
    const url = `https://127.0.0.1:${server.port()}`;
    await cp.registerWebhooks(
      [webhookConfiguration('MutatingWebhookConfiguration', '/mutate-configmap'), webhookConfiguration('ValidatingWebhookConfiguration', '/validate-configmap')],
      { url, caBundlePem: ca.certPem },
    );
    await cp.installCrds([gadgetCrd], { conversionWebhook: { url, caBundlePem: ca.certPem } });
    rest = new RestClient(cp.kubeConfig());
    client = new ObjectClient(rest, 'runtime-webhook-test');
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'runtime-test/webhooks': 'on' } } });
  }, 120_000);

  afterAll(async () => {
    watcher?.stop();
    await server?.stop();
    await rest?.close();
    await cp?.stop();
    rmSync(certDir, { recursive: true, force: true });
  }, 90_000);

  const configMap = (name: string, data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data });

  it('applies the defaulting patch', async () => {
    const created = await client.create(configMap('defaulted', { mine: 'x' }));
    expect(created.metadata.labels).toEqual({ defaulted: 'true' });
    expect(created.data).toEqual({ defaultKey: 'defaultValue', mine: 'x' });
  });

  it('shows the client a denial naming every invalid field', async () => {
    const failure = await client.create(configMap('refused', { bad1: 'a', bad2: 'b', fine: 'c' })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    const status = (failure as ApiError).status;
    expect(status?.code).toBe(422);
    expect(status?.message).toBe(
      'admission webhook "validate.configmaps.runtime-test.capi-ck8s.io" denied the request: ' +
        'ConfigMap "refused" is invalid: [data.bad1: Invalid value: "a": keys starting with "bad" are refused, ' +
        'data.bad2: Invalid value: "b": keys starting with "bad" are refused]',
    );
    expect(status?.details?.causes?.map((cause) => cause.field)).toEqual(['data.bad1', 'data.bad2']);
  });

  it('converts between versions in both directions without losing fields', async () => {
    const created = await client.create<GadgetV1>({ apiVersion: GADGET_V1.apiVersion, kind: 'Gadget', metadata: { name: 'g', namespace: NAMESPACE }, spec: { sizeInches: 7, colour: 'teal' } });
    const asV2 = await client.get(GADGET_V2, { namespace: NAMESPACE, name: 'g' });
    expect(asV2.spec).toEqual({ size: { value: 7, unit: 'in' }, colour: 'teal' });
    expect(asV2.metadata.uid).toBe(created.metadata.uid);
    await client.mergePatch(GADGET_V2, { namespace: NAMESPACE, name: 'g' }, { spec: { size: { value: 9 } } });
    const backAsV1 = await client.get(GADGET_V1, { namespace: NAMESPACE, name: 'g' });
    expect(backAsV1.spec).toEqual({ sizeInches: 9, colour: 'teal' });
    const listedAsV2 = await client.list(GADGET_V2, { namespace: NAMESPACE });
    expect(listedAsV2.map((gadget) => gadget.spec.size.value)).toEqual([9]);
  });

  it('rotates the serving certificate without dropping a request', async () => {
    const served: string[] = [];
    const writes = (async () => {
      for (let i = 0; i < 40; i++) {
        const created = await client.create(configMap(`rotation-${i}`, { n: String(i) }));
        served.push(created.metadata.labels?.['defaulted'] ?? 'missing');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    let latest: CertificateAndKey | undefined;
    for (let rotation = 0; rotation < 3; rotation++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      latest = await servingCertificate();
      writeCertificate(latest);
      await watcher.refresh();
    }
    await writes;
    expect(served).toEqual(Array.from({ length: 40 }, () => 'true'));
    expect(await servedSerial(server.port())).toBe(new X509Certificate(latest!.certPem).serialNumber);
  }, 60_000);

  describe('self-managed certificates', () => {
    const options = {
      secret: { namespace: NAMESPACE, name: 'webhook-service-cert' },
      service: { namespace: 'capi-ck8s-system', name: 'webhook-service' },
      validatingWebhookConfigurations: ['runtime-test-validatingwebhookconfiguration'],
      mutatingWebhookConfigurations: ['runtime-test-mutatingwebhookconfiguration'],
      customResourceDefinitions: ['gadgets.gadgets.runtime-test.capi-ck8s.io'],
    };
    const manager = (clock: Clock) => new SelfManagedCertificates(client, options, clock, logger);

    it('issues a CA and serving certificate into a Secret, reuses it, and renews it near expiry with the same CA', async () => {
      const first = await manager(realClock).ensure();
      expect(certificateStillGood(first.certPem, serviceDnsNames(options.service), Date.now(), 30)).toBe(true);
      const secret = await client.get(kindRef<KubeObject & { data: Record<string, string> }>('v1', 'Secret'), options.secret);
      expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
      expect((await manager(realClock).ensure()).certPem).toBe(first.certPem);
      const nearExpiry = new FakeClock(Date.now() + 340 * 24 * 3600 * 1000);
      const renewed = await manager(nearExpiry).ensure();
      expect(renewed.certPem).not.toBe(first.certPem);
      expect(renewed.caPem).toBe(first.caPem);
    }, 60_000);

    it('injects the CA bundle into webhook configurations and CRD conversion', async () => {
      const { caPem } = await manager(realClock).ensure();
      // Runs last: afterwards the configurations trust this CA rather than the test server's.
      await manager(realClock).injectCaBundle(caPem);
      const expected = Buffer.from(caPem).toString('base64');
      for (const [kind, name] of [
        ['ValidatingWebhookConfiguration', options.validatingWebhookConfigurations[0]!],
        ['MutatingWebhookConfiguration', options.mutatingWebhookConfigurations[0]!],
      ] as const) {
        const configuration = await client.get(kindRef<KubeObject & { webhooks: { clientConfig: { caBundle: string } }[] }>('admissionregistration.k8s.io/v1', kind), { name });
        expect(configuration.webhooks.map((webhook) => webhook.clientConfig.caBundle)).toEqual([expected]);
      }
      const crd = await client.get(kindRef<KubeObject & { spec: { conversion: { webhook: { clientConfig: { caBundle: string } } } } }>('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), {
        name: options.customResourceDefinitions[0]!,
      });
      expect(crd.spec.conversion.webhook.clientConfig.caBundle).toBe(expected);
    }, 60_000);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { pino } from 'pino';
import { realClock } from '../clock';
import { RuntimeMetrics } from '../metrics/metrics';
import { CertWatcher } from './cert-watcher';
import { admissionPath, WebhookServer } from './server';
import { kindRef } from '../objects';

const logger = pino({ level: 'silent' });

async function servingPair(ca: CertificateAndKey): Promise<CertificateAndKey> {
  return issueCertificate({ issuer: ca, commonName: 'localhost', ipAddresses: ['127.0.0.1'], usages: ['serverAuth'] });
}

function post(port: number, path: string, body: unknown, ca: string): Promise<{ status: number; body: unknown; peerSerial: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const peer = (res.socket as TLSSocket).getPeerCertificate();
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined, peerSerial: peer.serialNumber });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const admissionReview = (object: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u1', kind: { group: 'example.com', version: 'v1', kind: 'Widget' }, resource: { group: 'example.com', version: 'v1', resource: 'widgets' }, operation: 'CREATE', name: 'w', object },
});

describe('WebhookServer over HTTPS', () => {
  let ca: CertificateAndKey;
  let server: WebhookServer;
  let metrics: RuntimeMetrics;

  beforeAll(async () => {
    ca = await createCertificateAuthority({ commonName: 'test-ca' });
  });

  beforeEach(() => {
    metrics = new RuntimeMetrics();
    server = new WebhookServer({ port: 0, host: '127.0.0.1', logger, metrics });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('serves mutating, validating and conversion paths and counts requests per path and code', async () => {
    server.mutating('/mutate', (object: { metadata: { labels?: Record<string, string> } }) => {
      object.metadata.labels = { a: 'b' };
    });
    server.validating('/validate', { validateCreate: () => ({ errors: [] }) });
    server.conversion('/convert', (object) => ({ ...object, apiVersion: 'example.com/v2' }));
    await server.start(await servingPair(ca));
    const object = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', uid: 'x' } };
    const mutated = await post(server.port(), '/mutate', admissionReview(object), ca.certPem);
    expect(mutated.status).toBe(200);
    expect(mutated.body).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u1', allowed: true, patchType: 'JSONPatch' } });
    expect((await post(server.port(), '/validate', admissionReview(object), ca.certPem)).body).toMatchObject({ response: { allowed: true } });
    const converted = await post(
      server.port(),
      '/convert',
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'c1', desiredAPIVersion: 'example.com/v2', objects: [object] } },
      ca.certPem,
    );
    expect(converted.body).toMatchObject({ response: { uid: 'c1', result: { status: 'Success' }, convertedObjects: [{ apiVersion: 'example.com/v2' }] } });
    const bad = await post(server.port(), '/validate', { hello: 'world' }, ca.certPem);
    expect(bad.status).toBe(400);
    const counted = (await metrics.registry.getSingleMetric('controller_runtime_webhook_requests_total')?.get())?.values ?? [];
    expect(counted.map((v) => [v.labels['webhook'], v.labels['code'], v.value]).sort()).toEqual([
      ['/convert', '200', 1],
      ['/mutate', '200', 1],
      ['/validate', '200', 1],
      ['/validate', '400', 1],
    ]);
  });

  it('accepts bodies up to 7 MiB', async () => {
    server.validating('/validate', { validateCreate: () => ({ errors: [] }) });
    await server.start(await servingPair(ca));
    const large = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, data: 'x'.repeat(5 * 1024 * 1024) };
    expect((await post(server.port(), '/validate', admissionReview(large), ca.certPem)).status).toBe(200);
    const tooLarge = { ...large, data: 'x'.repeat(8 * 1024 * 1024) };
    expect((await post(server.port(), '/validate', admissionReview(tooLarge), ca.certPem)).status).toBe(413);
  });

  it('a handler that throws yields a denial that carries the reason', async () => {
    server.validating('/validate', {
      validateCreate: () => {
        throw new Error('lookup failed');
      },
    });
    await server.start(await servingPair(ca));
    expect((await post(server.port(), '/validate', admissionReview({ metadata: { name: 'w' } }), ca.certPem)).body).toMatchObject({
      response: { uid: 'u1', allowed: false, status: { code: 500, message: 'lookup failed' } },
    });
  });

  it('serves a rotated certificate from the watched directory to new connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runtime-certs-'));
    try {
      const first = await servingPair(ca);
      writeFileSync(join(dir, 'tls.crt'), first.certPem);
      writeFileSync(join(dir, 'tls.key'), first.keyPem);
      const watcher = new CertWatcher({ certDir: dir, clock: realClock, logger, pollIntervalMs: 60_000 });
      server.validating('/validate', { validateCreate: () => ({ errors: [] }) });
      await server.start(await watcher.start());
      watcher.onChange((certificate) => server.useCertificate(certificate));
      const before = await post(server.port(), '/validate', admissionReview({ metadata: { name: 'w' } }), ca.certPem);
      const second = await servingPair(ca);
      writeFileSync(join(dir, 'tls.key'), second.keyPem);
      writeFileSync(join(dir, 'tls.crt'), second.certPem);
      await watcher.refresh();
      const after = await post(server.port(), '/validate', admissionReview({ metadata: { name: 'w' } }), ca.certPem);
      expect(before.status).toBe(200);
      expect(after.status).toBe(200);
      expect(after.peerSerial).not.toBe(before.peerSerial);
      watcher.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops while a client holds a TLS connection that never sent a request', async () => {
    await server.start(await servingPair(ca));
    const held = tlsConnect({ host: '127.0.0.1', port: server.port(), ca: ca.certPem });
    await new Promise((resolve, reject) => held.once('secureConnect', resolve).once('error', reject));
    const ended = new Promise((resolve) => held.once('close', resolve));
    await server.stop();
    await ended;
    expect(server.isServing()).toBe(false);
  });

  it('rejects duplicate or relative paths', () => {
    server.validating('/v', {});
    expect(() => server.validating('/v', {})).toThrow(/registered twice/);
    expect(() => server.conversion('convert', (o) => o)).toThrow(/must start with "\/"/);
  });
});

describe('admissionPath', () => {
  it.each([
    ['mutate', 'bootstrap.cluster.x-k8s.io/v1beta2', 'CK8sConfig', '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig'],
    ['validate', 'controlplane.cluster.x-k8s.io/v1beta2', 'CK8sControlPlane', '/validate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane'],
    ['validate', 'v1', 'ConfigMap', '/validate--v1-configmap'],
  ] as const)('%s %s %s → %s', (operation, apiVersion, kind, path) => {
    expect(admissionPath(operation, kindRef(apiVersion, kind))).toBe(path);
  });
});

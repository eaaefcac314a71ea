import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { binaryPath, ensureBinaries } from './binaries';
import { httpsGet } from './https-probe';
import { freeLoopbackPort } from './ports';
import { ManagedProcess, waitFor } from './processes';
import { installCrds, type CrdSource, type InstallCrdsOptions } from './crds';
import { registerWebhooks, type WebhookTarget } from './webhooks';

export interface ControlPlaneOptions {
  /** Shown in temp dir names and errors; useful when a test runs several control planes. */
  name?: string;
  /** Runs kube-controller-manager (garbage collector and namespace controller). Default true. */
  controllerManager?: boolean;
  /** Signs the apiserver serving certificate with this CA instead of a fresh one. */
  servingCa?: CertificateAndKey;
  /** The apiserver trusts client certificates signed by this CA (`--client-ca-file`) instead of a fresh one. */
  clientCa?: CertificateAndKey;
  /** Port for the apiserver; a free loopback port by default. */
  apiServerPort?: number;
  startTimeoutMs?: number;
}

const TEMP_PREFIX = 'capi-ck8s-testenv-';
const OWNER_FILE = 'owner.pid';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes folders left behind by test processes that were killed before they could clean up. */
function sweepAbandonedFolders(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(TEMP_PREFIX)) continue;
    const folder = join(tmpdir(), entry);
    try {
      const owner = Number(readFileSync(join(folder, OWNER_FILE), 'utf8'));
      if (!processAlive(owner)) rmSync(folder, { recursive: true, force: true });
    } catch {
      // A folder being created right now has no owner file yet; leave it alone.
    }
  }
}

function writeSecretFile(path: string, content: string): string {
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

interface Certificates {
  servingCa: CertificateAndKey;
  serving: CertificateAndKey;
  clientCa: CertificateAndKey;
  admin: CertificateAndKey;
  serviceAccountKey: { privateKeyPem: string; publicKeyPem: string };
}

async function generateServiceAccountKey(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

async function generateCertificates(options: ControlPlaneOptions): Promise<Certificates> {
  const [servingCa, clientCa, serviceAccountKey] = await Promise.all([
    options.servingCa ?? createCertificateAuthority({ commonName: 'testenv-serving-ca' }),
    options.clientCa ?? createCertificateAuthority({ commonName: 'testenv-client-ca' }),
    generateServiceAccountKey(),
  ]);
  const [serving, admin] = await Promise.all([
    issueCertificate({
      issuer: servingCa,
      commonName: 'kube-apiserver',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
      ipAddresses: ['127.0.0.1', '10.0.0.1'],
      usages: ['serverAuth'],
    }),
    issueCertificate({ issuer: clientCa, commonName: 'admin', organizations: ['system:masters'], usages: ['clientAuth'] }),
  ]);
  return { servingCa, serving, clientCa, admin, serviceAccountKey };
}

export function kubeConfigFromCertificates(
  server: string,
  caPem: string,
  user: string,
  client: CertificateAndKey,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'testenv', server, caData: base64(caPem), skipTLSVerify: false }],
    users: [{ name: user, certData: base64(client.certPem), keyData: base64(client.keyPem) }],
    contexts: [{ name: `${user}@testenv`, cluster: 'testenv', user }],
    currentContext: `${user}@testenv`,
  });
  return kubeConfig;
}

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and (by default) kube-controller-manager, each
 * with its own data folder and ports, so a test can run several independent clusters side by side.
 */
export class TestControlPlane {
  readonly name: string;
  readonly folder: string;
  private etcd!: ManagedProcess;
  private apiServer!: ManagedProcess;
  private controllerManager: ManagedProcess | undefined;
  private certificates!: Certificates;
  private etcdPort = 0;
  private apiServerPort = 0;
  private stopped = false;

  private constructor(
    private readonly options: ControlPlaneOptions,
    folder: string,
  ) {
    this.name = options.name ?? 'control-plane';
    this.folder = folder;
  }

  static async start(options: ControlPlaneOptions = {}): Promise<TestControlPlane> {
    ensureBinaries(['etcd', 'kube-apiserver', 'kube-controller-manager']);
    sweepAbandonedFolders();
    const folder = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${options.name ?? 'control-plane'}-`));
    writeFileSync(join(folder, OWNER_FILE), String(process.pid));
    const controlPlane = new TestControlPlane(options, folder);
    try {
      await controlPlane.boot();
      return controlPlane;
    } catch (error) {
      await controlPlane.stop();
      throw error;
    }
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiServerPort}`;
  }

  /** The etcd client URL, for tests that act on storage directly (e.g. compaction to force a 410 on watches). */
  get etcdUrl(): string {
    return `http://127.0.0.1:${this.etcdPort}`;
  }

  get caPem(): string {
    return this.certificates.servingCa.certPem;
  }

  get clientCa(): CertificateAndKey {
    return this.certificates.clientCa;
  }

  get kubeconfigPath(): string {
    return join(this.folder, 'admin.kubeconfig');
  }

  kubeConfig(): KubeConfig {
    return kubeConfigFromCertificates(this.server, this.caPem, 'admin', this.certificates.admin);
  }

  /** A client-certificate identity with the given groups, for RBAC tests. */
  async kubeConfigForUser(user: string, groups: string[] = []): Promise<KubeConfig> {
    const client = await issueCertificate({
      issuer: this.certificates.clientCa,
      commonName: user,
      organizations: groups,
      usages: ['clientAuth'],
    });
    return kubeConfigFromCertificates(this.server, this.caPem, user, client);
  }

  async installCrds(sources: CrdSource[], options: InstallCrdsOptions = {}): Promise<string[]> {
    return installCrds(this.kubeConfig(), sources, options);
  }

  async registerWebhooks(configurations: object[], target: WebhookTarget): Promise<void> {
    await registerWebhooks(this.kubeConfig(), configurations, target);
  }

  /** Process ids of the running components, for tests that prove nothing leaks. */
  processIds(): Record<'etcd' | 'kube-apiserver' | 'kube-controller-manager', number | undefined> {
    return {
      etcd: this.etcd?.pid,
      'kube-apiserver': this.apiServer?.pid,
      'kube-controller-manager': this.controllerManager?.pid,
    };
  }

  async restartApiServer(): Promise<void> {
    await this.apiServer.stop();
    await this.startApiServer();
  }

  async restartEtcd(): Promise<void> {
    await this.etcd.stop();
    await this.startEtcd();
  }

  /** Stops the apiserver only (e.g. to simulate a lost control plane); `restartApiServer` brings it back. */
  async stopApiServer(): Promise<void> {
    await this.apiServer.stop();
  }

  async startApiServerAgain(): Promise<void> {
    await this.startApiServer();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Controllers first, then the apiserver, then its storage: the order a real control plane shuts down in.
    await this.controllerManager?.stop();
    await this.apiServer?.stop();
    await this.etcd?.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private file(name: string): string {
    return join(this.folder, name);
  }

  private async boot(): Promise<void> {
    this.certificates = await generateCertificates(this.options);
    const c = this.certificates;
    writeFileSync(this.file('serving-ca.crt'), c.servingCa.certPem);
    writeFileSync(this.file('apiserver.crt'), c.serving.certPem);
    writeSecretFile(this.file('apiserver.key'), c.serving.keyPem);
    writeFileSync(this.file('client-ca.crt'), c.clientCa.certPem);
    writeFileSync(this.file('sa.pub'), c.serviceAccountKey.publicKeyPem);
    writeSecretFile(this.file('sa.key'), c.serviceAccountKey.privateKeyPem);
    mkdirSync(this.file('etcd-data'));
    this.etcdPort = await freeLoopbackPort();
    this.apiServerPort = this.options.apiServerPort ?? (await freeLoopbackPort());
    writeSecretFile(this.kubeconfigPath, this.kubeConfig().exportConfig());

    await this.startEtcd();
    await this.startApiServer();
    if (this.options.controllerManager ?? true) await this.startControllerManager();
  }

  private timeout(): number {
    return this.options.startTimeoutMs ?? 60_000;
  }

  private async startEtcd(): Promise<void> {
    const peerPort = await freeLoopbackPort();
    const url = this.etcdUrl;
    this.etcd = new ManagedProcess({
      name: 'etcd',
      command: binaryPath('etcd'),
      args: [
        `--name=${this.name}`,
        `--data-dir=${this.file('etcd-data')}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=${this.name}=http://127.0.0.1:${peerPort}`,
        // Test data is disposable; skipping fsync makes every write several times faster on a shared disk.
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      logFile: this.file('etcd.log'),
    });
    this.etcd.start();
    await waitFor(
      'etcd to report healthy',
      async () => {
        const response = await fetch(`${url}/health`);
        return response.ok ? true : undefined;
      },
      { timeoutMs: this.timeout(), explain: () => this.etcd.logTail() },
    );
  }

  private async startApiServer(): Promise<void> {
    this.apiServer = new ManagedProcess({
      name: 'kube-apiserver',
      command: binaryPath('kube-apiserver'),
      args: [
        `--etcd-servers=http://127.0.0.1:${this.etcdPort}`,
        `--cert-dir=${this.folder}`,
        `--tls-cert-file=${this.file('apiserver.crt')}`,
        `--tls-private-key-file=${this.file('apiserver.key')}`,
        `--client-ca-file=${this.file('client-ca.crt')}`,
        `--secure-port=${this.apiServerPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        // No token controller runs here, so ServiceAccount admission would reject pods; tests create none that need it.
        '--disable-admission-plugins=ServiceAccount',
        '--authorization-mode=RBAC',
        `--service-account-issuer=https://127.0.0.1:${this.apiServerPort}`,
        `--service-account-key-file=${this.file('sa.pub')}`,
        `--service-account-signing-key-file=${this.file('sa.key')}`,
        '--v=1',
      ],
      logFile: this.file('kube-apiserver.log'),
    });
    this.apiServer.start();
    const admin = this.certificates.admin;
    await waitFor(
      'kube-apiserver to become ready',
      async () => {
        if (!this.apiServer.isRunning()) throw new Error('kube-apiserver exited');
        const response = await httpsGet(`${this.server}/readyz`, this.caPem, admin);
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: this.timeout(), intervalMs: 200, explain: () => this.apiServer.logTail() },
    );
    // /readyz can pass a moment before the default namespace exists; clients expect it.
    await waitFor(
      'the default namespace',
      async () => {
        const response = await httpsGet(`${this.server}/api/v1/namespaces/default`, this.caPem, admin);
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: this.timeout() },
    );
  }

  private async startControllerManager(): Promise<void> {
    this.controllerManager = new ManagedProcess({
      name: 'kube-controller-manager',
      command: binaryPath('kube-controller-manager'),
      args: [
        `--kubeconfig=${this.kubeconfigPath}`,
        // Only what tests rely on: owner-reference garbage collection and namespace deletion.
        '--controllers=garbagecollector,namespace',
        '--leader-elect=false',
        '--use-service-account-credentials=false',
        `--secure-port=${await freeLoopbackPort()}`,
        '--bind-address=127.0.0.1',
        `--cert-dir=${this.file('kcm-certs')}`,
        '--v=1',
      ],
      logFile: this.file('kube-controller-manager.log'),
    });
    this.controllerManager.start();
    const ready = this.controllerManager;
    await waitFor(
      'kube-controller-manager to start',
      () => {
        if (!ready.isRunning()) throw new Error(`kube-controller-manager exited:\n${ready.logTail()}`);
        // Garbage collection is what tests depend on; it is usable once its resource monitors have synced.
        return ready.logTail(400).includes('all resource monitors have synced') ? true : undefined;
      },
      { timeoutMs: this.timeout(), intervalMs: 200, explain: () => ready.logTail() },
    );
  }
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<TestControlPlane> {
  return TestControlPlane.start(options);
}

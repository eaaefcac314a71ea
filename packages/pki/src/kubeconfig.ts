import { dump, load } from 'js-yaml';
import type { CertificateAndKey } from './certificates';

export interface KubeconfigOptions {
  clusterName: string;
  /** `https://<endpoint host>:<port>`, see kubeconfigServer. */
  server: string;
  /** The server CA (`<cluster>-ca`) certificate, which the API server's serving certificate chains to. */
  caCertPem: string;
  client: CertificateAndKey;
}

/** Upstream's names: cluster `<cluster>`, user `<cluster>-admin`, context `<cluster>-admin@<cluster>`. */
export function kubeconfigNames(clusterName: string): { cluster: string; user: string; context: string } {
  const user = `${clusterName}-admin`;
  return { cluster: clusterName, user, context: `${user}@${clusterName}` };
}

export function kubeconfigServer(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `https://${bracketed}:${port}`;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

export function renderKubeconfig(options: KubeconfigOptions): string {
  const names = kubeconfigNames(options.clusterName);
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: names.cluster,
        cluster: { server: options.server, 'certificate-authority-data': base64(options.caCertPem) },
      },
    ],
    users: [
      {
        name: names.user,
        user: {
          'client-certificate-data': base64(options.client.certPem),
          'client-key-data': base64(options.client.keyPem),
        },
      },
    ],
    contexts: [{ name: names.context, context: { cluster: names.cluster, user: names.user } }],
    'current-context': names.context,
    preferences: {},
  });
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`kubeconfig ${path} must be a mapping`);
  }
  return value as Record<string, unknown>;
}

function named(list: unknown, name: unknown, path: string): Record<string, unknown> {
  if (!Array.isArray(list)) throw new Error(`kubeconfig ${path} must be a list`);
  const entry: unknown = list.find((item) => record(item, `${path}[]`)['name'] === name);
  if (entry === undefined) throw new Error(`kubeconfig ${path} has no entry named ${String(name)}`);
  return record(entry, `${path}[${String(name)}]`);
}

function decodedField(container: Record<string, unknown>, field: string, path: string): string {
  const value = container[field];
  if (typeof value !== 'string' || value === '') throw new Error(`kubeconfig ${path}.${field} must be a non-empty string`);
  return Buffer.from(value, 'base64').toString('utf8');
}

export interface ParsedKubeconfig {
  server: string;
  caCertPem: string;
  client: CertificateAndKey;
}

/** Reads the current context's server, CA and client certificate, e.g. to decide whether the admin cert needs rotating. */
export function parseKubeconfig(text: string): ParsedKubeconfig {
  const root = record(load(text), '(document)');
  const contextName = root['current-context'];
  if (typeof contextName !== 'string' || contextName === '') throw new Error('kubeconfig current-context must be set');
  const context = record(named(root['contexts'], contextName, 'contexts')['context'], `contexts[${contextName}].context`);
  const clusterPath = `clusters[${String(context['cluster'])}].cluster`;
  const cluster = record(named(root['clusters'], context['cluster'], 'clusters')['cluster'], clusterPath);
  const userPath = `users[${String(context['user'])}].user`;
  const user = record(named(root['users'], context['user'], 'users')['user'], userPath);
  const server = cluster['server'];
  if (typeof server !== 'string' || server === '') throw new Error(`kubeconfig ${clusterPath}.server must be set`);
  return {
    server,
    caCertPem: decodedField(cluster, 'certificate-authority-data', clusterPath),
    client: {
      certPem: decodedField(user, 'client-certificate-data', userPath),
      keyPem: decodedField(user, 'client-key-data', userPath),
    },
  };
}

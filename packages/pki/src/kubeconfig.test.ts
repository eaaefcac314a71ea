import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { kubeconfigServer, parseKubeconfig, renderKubeconfig } from './kubeconfig';

const material = { certPem: 'CERT-PEM\n', keyPem: 'KEY-PEM\n' };

describe('kubeconfig', () => {
  it('uses upstream names: cluster <cluster>, user <cluster>-admin, context <cluster>-admin@<cluster>', () => {
    const text = renderKubeconfig({ clusterName: 'demo', server: 'https://10.0.0.1:6443', caCertPem: 'CA-PEM\n', client: material });
    expect(load(text)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'demo', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0EtUEVNCg==' } }],
      users: [{ name: 'demo-admin', user: { 'client-certificate-data': 'Q0VSVC1QRU0K', 'client-key-data': 'S0VZLVBFTQo=' } }],
      contexts: [{ name: 'demo-admin@demo', context: { cluster: 'demo', user: 'demo-admin' } }],
      'current-context': 'demo-admin@demo',
      preferences: {},
    });
  });

  it('is read by @kubernetes/client-node the same way', () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(renderKubeconfig({ clusterName: 'demo', server: 'https://lb:6443', caCertPem: 'CA', client: material }));
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://lb:6443');
    expect(kubeConfig.getCurrentUser()?.name).toBe('demo-admin');
  });

  it('round-trips through parseKubeconfig', () => {
    const text = renderKubeconfig({ clusterName: 'demo', server: 'https://lb:6443', caCertPem: 'CA-PEM\n', client: material });
    expect(parseKubeconfig(text)).toEqual({ server: 'https://lb:6443', caCertPem: 'CA-PEM\n', client: material });
  });

  it.each([
    ['no current context', 'apiVersion: v1\nkind: Config\n', 'kubeconfig current-context must be set'],
    [
      'a context naming a missing user',
      'current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: s}}]\nusers: []\n',
      'kubeconfig users has no entry named u',
    ],
    [
      'a user without key data',
      'current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: s, certificate-authority-data: QQ==}}]\nusers: [{name: u, user: {client-certificate-data: QQ==}}]\n',
      'kubeconfig users[u].user.client-key-data must be a non-empty string',
    ],
  ])('refuses %s with the field named', (_case, text, message) => {
    expect(() => parseKubeconfig(text)).toThrow(message);
  });

  it.each([
    ['10.0.0.1', 6443, 'https://10.0.0.1:6443'],
    ['lb.example.com', 443, 'https://lb.example.com:443'],
    ['fd00::1', 6443, 'https://[fd00::1]:6443'],
  ])('renders server for host %s port %d as %s', (host, port, expected) => {
    expect(kubeconfigServer(host, port)).toBe(expected);
  });
});

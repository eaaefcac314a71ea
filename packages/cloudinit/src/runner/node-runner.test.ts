import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { renderCloudConfig } from '../render';
import { initInput, joinControlPlaneInput, testTokens, workerInput } from '../test-support/inputs';
import type { NodeEvent } from './node-log';
import { bootNode, instanceData, NodeBootError } from './node-runner';
import type { NodeBootOptions, NodeBootResult } from './node-runner';

const sentinel = '/run/cluster-api/bootstrap-success.complete';
const proxy: CK8sConfigSpec = {
  httpProxy: 'http://proxy.internal:3128',
  httpsProxy: 'http://proxy.internal:3129',
  noProxy: '10.0.0.0/8,localhost',
};

/** One line per event: "> <runcmd entry>" for a cloud-init command, the argv for a stub call. */
function trace(events: readonly NodeEvent[]): string[] {
  return events.map((event) =>
    event.kind === 'command'
      ? `> ${event.command}`
      : [event.program, ...event.args].join(' ') + (event.exitCode ? ` => ${event.exitCode}` : ''),
  );
}

function boot(userData: string, options: Omit<NodeBootOptions, 'userData'> = {}): Promise<NodeBootResult> {
  return bootNode({ userData, instanceData: instanceData('machine-a'), ...options });
}

const fileText = (result: NodeBootResult, path: string) => result.files.get(path)?.content.toString('utf8');

const installSteps = (channel: string) => [
  '> /capi/scripts/install.sh',
  `snap install k8s --classic --channel ${channel}`,
  '> /capi/scripts/disable-host-services.sh',
  'systemctl stop kubelet',
  'systemctl disable kubelet',
  'systemctl stop containerd',
  'systemctl disable containerd',
];

describe('booting rendered cloud-configs on a simulated node', () => {
  it('runs the first control plane in the reference order: proxy, preRunCommands, install, bootstrap, manifests, tokens, sentinel, postRunCommands', async () => {
    const spec = {
      version: 'v1.32.1',
      ...proxy,
      nodeName: '{{ ds.meta_data.local_hostname }}',
      preRunCommands: ['snap version'],
      postRunCommands: ['systemctl restart example.service'],
    };
    const result = await boot(renderCloudConfig(initInput(spec)));

    expect(trace(result.events)).toEqual([
      '> set -x',
      '> set -e',
      '> /capi/scripts/configure-proxy.sh',
      '> snap version',
      'snap version',
      ...installSteps('1.32-classic/stable'),
      '> /capi/scripts/bootstrap.sh',
      'k8s bootstrap --name machine-a --address :2380 --file /capi/etc/config.yaml',
      '> /capi/scripts/load-images.sh',
      '> /capi/scripts/wait-apiserver-ready.sh',
      'k8s kubectl get --raw /readyz',
      '> /capi/scripts/deploy-manifests.sh',
      'k8s kubectl apply -f /capi/manifests/00-k8sd-proxy.yaml',
      '> /capi/scripts/configure-auth-token.sh',
      `k8s x-capi set-auth-token ${testTokens.auth}`,
      '> /capi/scripts/configure-node-token.sh',
      `k8s x-capi set-node-token ${testTokens.node}`,
      '> /capi/scripts/create-sentinel-bootstrap.sh',
      '> systemctl restart example.service',
      'systemctl restart example.service',
    ]);
    expect(result.phaseExitCodes).toEqual({ bootcmd: 0, write_files: 0, runcmd: 0 });
    expect(result.files.has(sentinel)).toBe(true);
    expect(fileText(result, '/etc/environment')).toBe(
      'http_proxy=http://proxy.internal:3128\nHTTP_PROXY=http://proxy.internal:3128\n' +
        'https_proxy=http://proxy.internal:3129\nHTTPS_PROXY=http://proxy.internal:3129\n' +
        'no_proxy=10.0.0.0/8,localhost\nNO_PROXY=10.0.0.0/8,localhost\n',
    );
    expect(fileText(result, '/capi/etc/node-name')).toBe('machine-a');
    expect(result.files.get('/capi/scripts/install.sh')?.mode).toBe(0o500);
    expect(result.files.get('/capi/etc/token')?.mode).toBe(0o400);
  });

  it('joins a control plane node: images, join with its token, wait for the API server, node token, sentinel', async () => {
    const result = await boot(renderCloudConfig(joinControlPlaneInput({ version: 'v1.33.4', ...proxy })));
    expect(trace(result.events)).toEqual([
      '> set -x',
      '> set -e',
      '> /capi/scripts/configure-proxy.sh',
      ...installSteps('1.33-classic/stable'),
      '> /capi/scripts/load-images.sh',
      '> /capi/scripts/join-cluster.sh',
      `k8s join-cluster ${testTokens.join} --address :2380 --file /capi/etc/config.yaml`,
      '> /capi/scripts/wait-apiserver-ready.sh',
      'k8s kubectl get --raw /readyz',
      '> /capi/scripts/configure-node-token.sh',
      `k8s x-capi set-node-token ${testTokens.node}`,
      '> /capi/scripts/create-sentinel-bootstrap.sh',
    ]);
    expect(result.files.has(sentinel)).toBe(true);
    expect(fileText(result, '/etc/environment')).toContain('HTTPS_PROXY=http://proxy.internal:3129\n');
  });

  it('joins a worker without waiting for a local API server, with proxies set as on every role', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1', ...proxy, nodeName: 'worker-7' })));
    expect(trace(result.events)).toEqual([
      '> set -x',
      '> set -e',
      '> /capi/scripts/configure-proxy.sh',
      ...installSteps('1.32-classic/stable'),
      '> /capi/scripts/load-images.sh',
      '> /capi/scripts/join-cluster.sh',
      `k8s join-cluster ${testTokens.join} --name worker-7 --address :2380 --file /capi/etc/config.yaml`,
      '> /capi/scripts/configure-node-token.sh',
      `k8s x-capi set-node-token ${testTokens.node}`,
      '> /capi/scripts/create-sentinel-bootstrap.sh',
    ]);
    expect(fileText(result, '/etc/environment')).toContain('no_proxy=10.0.0.0/8,localhost\n');
  });

  it('retries the snap install 5 times, 3 s apart, then fails loudly and stops before anything else runs', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1' })), {
      failures: [{ command: 'snap install *', exitCode: 1 }],
    });
    const attempt = 'snap install k8s --classic --channel 1.32-classic/stable => 1';
    expect(trace(result.events)).toEqual([
      '> set -x',
      '> set -e',
      '> /capi/scripts/install.sh',
      attempt, 'sleep 3', attempt, 'sleep 3', attempt, 'sleep 3', attempt, 'sleep 3', attempt,
    ]);
    expect(result.phaseExitCodes.runcmd).not.toBe(0);
    expect(result.output).toContain('install.sh: could not install the k8s snap after 5 attempts');
    expect(result.files.has(sentinel)).toBe(false);
  });

  it('carries on when the snap install succeeds on a later attempt', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1', revision: '3456' })), {
      failures: [{ command: 'snap install k8s *', times: 2 }],
    });
    const installs = result.invocations.filter((call) => call.program === 'snap');
    expect(installs.map((call) => [call.args.join(' '), call.exitCode])).toEqual([
      ['install k8s --classic --revision 3456', 1],
      ['install k8s --classic --revision 3456', 1],
      ['install k8s --classic --revision 3456', 0],
    ]);
    expect(result.files.has(sentinel)).toBe(true);
  });

  it('stops at a failing k8s join-cluster: no node token, no sentinel', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1', postRunCommands: ['snap version'] })), {
      failures: [{ command: 'k8s join-cluster *', exitCode: 7 }],
    });
    const steps = trace(result.events);
    expect(steps.slice(-2)).toEqual([
      '> /capi/scripts/join-cluster.sh',
      `k8s join-cluster ${testTokens.join} --address :2380 --file /capi/etc/config.yaml => 7`,
    ]);
    expect(steps).not.toContain('> /capi/scripts/create-sentinel-bootstrap.sh');
    expect(result.output).toContain('join-cluster.sh: k8s join-cluster failed with exit code 7');
    expect(result.files.has(sentinel)).toBe(false);
  });

  it('points snapd at the snap store proxy before installing, installing curl only when it is missing', async () => {
    const spec = {
      version: 'v1.32.1',
      snapstoreProxyScheme: 'https' as const,
      snapstoreProxyDomain: 'snaps.internal',
      snapstoreProxyId: 'AbCdEf0123456789',
    };
    const result = await boot(renderCloudConfig(workerInput(spec)), {
      failures: [{ command: 'snap list curl' }],
    });
    const steps = trace(result.events);
    expect(steps.slice(0, 5)).toEqual([
      '> set -x',
      '> set -e',
      '> /capi/scripts/configure-snapstore-proxy.sh',
      'snap list curl => 1',
      'snap install curl',
    ]);
    // curl | snap ack: both ends of the pipe start together, in either order.
    expect(steps.slice(5, 7).sort()).toEqual([
      'curl --silent --show-error --fail --location https://snaps.internal/v2/auth/store/assertions',
      'snap ack /dev/stdin',
    ]);
    expect(steps.slice(7, 12)).toEqual([
      'snap set core proxy.store=AbCdEf0123456789',
      'systemctl restart snapd',
      '> /capi/scripts/install.sh',
      'snap install k8s --classic --channel 1.32-classic/stable',
      '> /capi/scripts/disable-host-services.sh',
    ]);
  });

  it('installs from a folder of snaps after acknowledging every assertion in it', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1', localPath: '/opt/snaps' })), {
      initialFiles: {
        '/opt/snaps/k8s_1234.snap': 'k8s',
        '/opt/snaps/core20_99.snap': 'core20',
        '/opt/snaps/k8s_1234.assert': 'assertion',
        '/opt/snaps/core20_99.assert': 'assertion',
      },
    });
    expect(trace(result.events).slice(2, 6)).toEqual([
      '> /capi/scripts/install.sh',
      'snap ack /opt/snaps/core20_99.assert',
      'snap ack /opt/snaps/k8s_1234.assert',
      'snap install --classic /opt/snaps/core20_99.snap /opt/snaps/k8s_1234.snap',
    ]);
  });

  it('installs a single local snap file', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1', localPath: '/opt/k8s.snap' })), {
      initialFiles: { '/opt/k8s.snap': 'k8s' },
    });
    expect(trace(result.events)).toContain('snap install --classic /opt/k8s.snap');
  });

  it('does not install the snap on an air-gapped node, and still runs the preRunCommands that provide it', async () => {
    const result = await boot(
      renderCloudConfig(initInput({ version: 'v1.32.1', airGapped: true, preRunCommands: ['snap install /opt/k8s.snap --classic --dangerous'] })),
    );
    const snapCalls = result.invocations.filter((call) => call.program === 'snap').map((call) => call.args.join(' '));
    expect(snapCalls).toEqual(['install /opt/k8s.snap --classic --dangerous']);
    expect(trace(result.events)).not.toContain('> /capi/scripts/install.sh');
    expect(result.files.has(sentinel)).toBe(true);
  });

  it('imports image archives into the k8s containerd for the named platform', async () => {
    const result = await boot(renderCloudConfig(workerInput({ version: 'v1.32.1' })), {
      initialFiles: { '/capi/images/pause.tar': 'tar', '/capi/images/coredns.tar': 'tar', '/capi/images/platform': 'linux/arm64' },
    });
    const ctr = result.invocations.filter((call) => call.program === 'ctr').map((call) => call.args.join(' '));
    const prefix = '--namespace k8s.io --address /var/snap/k8s/common/run/containerd.sock image import --platform linux/arm64';
    expect(ctr).toEqual([`${prefix} /capi/images/coredns.tar`, `${prefix} /capi/images/pause.tar`]);
  });

  it('skips k8s bootstrap on a node that already holds the cluster CA', async () => {
    const result = await boot(renderCloudConfig(initInput({ version: 'v1.32.1' })), {
      initialFiles: { '/etc/kubernetes/pki/ca.crt': 'existing CA' },
    });
    expect(trace(result.events).filter((line) => line.startsWith('k8s bootstrap'))).toEqual([]);
    expect(result.output).toContain('the node is already bootstrapped');
  });

  it('waits for the API server until it answers /readyz', async () => {
    const result = await boot(renderCloudConfig(joinControlPlaneInput({ version: 'v1.32.1' })), {
      failures: [{ command: 'k8s kubectl get --raw /readyz', times: 3 }],
    });
    const waiting = trace(result.events);
    const start = waiting.indexOf('> /capi/scripts/wait-apiserver-ready.sh');
    const readyz = 'k8s kubectl get --raw /readyz';
    expect(waiting.slice(start + 1, start + 8)).toEqual([
      `${readyz} => 1`, 'sleep 1', `${readyz} => 1`, 'sleep 1', `${readyz} => 1`, 'sleep 1', readyz,
    ]);
    expect(result.files.has(sentinel)).toBe(true);
  });

  it('runs a user file that replaces a script instead of the shipped one', async () => {
    const replacement = '#!/bin/bash\nsnap install k8s --classic --channel my/own\n';
    const result = await boot(
      renderCloudConfig(workerInput({ version: 'v1.32.1', files: [{ path: '/capi/scripts/install.sh', permissions: '0500', content: replacement }] })),
    );
    expect(trace(result.events)).toContain('snap install k8s --classic --channel my/own');
    expect(fileText(result, '/capi/scripts/install.sh')).toBe(replacement);
  });

  it('writes user files decoded as cloud-init does, with their permissions, and runs bootcmd first', async () => {
    const spec: CK8sConfigSpec = {
      version: 'v1.32.1',
      bootCommands: ['cat /etc/plain.txt || echo "bootcmd runs before write_files"'],
      files: [
        { path: '/etc/plain.txt', content: 'plain\n', permissions: '0644' },
        { path: '/etc/b64.txt', encoding: 'base64', content: Buffer.from('decoded base64\n').toString('base64') },
        { path: '/etc/gz.txt', encoding: 'gzip+base64', content: gzipSync('decoded gzip\n').toString('base64') },
      ],
    };
    const result = await boot(renderCloudConfig(workerInput(spec)));
    expect(result.output).toContain('bootcmd runs before write_files');
    expect(fileText(result, '/etc/plain.txt')).toBe('plain\n');
    expect(result.files.get('/etc/plain.txt')?.mode).toBe(0o644);
    expect(fileText(result, '/etc/b64.txt')).toBe('decoded base64\n');
    expect(fileText(result, '/etc/gz.txt')).toBe('decoded gzip\n');
  });

  it('writes binary Secret data with gzip encoding decompressed (carried as YAML !!binary)', async () => {
    const spec: CK8sConfigSpec = {
      version: 'v1.32.1',
      files: [{ path: '/etc/kubernetes/audit.yaml', encoding: 'gzip', contentFrom: { secret: { name: 'audit', key: 'gz' } } }],
    };
    const userData = renderCloudConfig(workerInput(spec, { secretValue: () => gzipSync('rules: []\n') }));
    expect(userData).toContain('content: !!binary ');
    const result = await boot(userData);
    expect(fileText(result, '/etc/kubernetes/audit.yaml')).toBe('rules: []\n');
  });

  it('lets a hook give a stub behaviour, e.g. k8s bootstrap creating the cluster CA', async () => {
    const hook = '#!/bin/bash\nif [[ $1 == bootstrap ]]; then mkdir -p /etc/kubernetes/pki && echo CA > /etc/kubernetes/pki/ca.crt; fi\n';
    const result = await boot(renderCloudConfig(initInput({ version: 'v1.32.1' })), { hooks: { k8s: hook } });
    expect(fileText(result, '/etc/kubernetes/pki/ca.crt')).toBe('CA\n');
  });

  it('lets hooks reach a service on the host loopback only when the network is shared', async () => {
    const received: string[] = [];
    const server = createServer((socket) => socket.on('data', (data: Buffer) => received.push(data.toString('utf8'))));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const hook = `#!/usr/bin/python3\nimport socket, sys\nwith socket.create_connection(("127.0.0.1", ${port})) as s:\n    s.sendall(" ".join(sys.argv[1:]).encode())\n`;
    const userData = renderCloudConfig(workerInput({ version: 'v1.32.1' }));
    try {
      const isolated = await boot(userData, { hooks: { k8s: hook } });
      expect(isolated.invocations.find((call) => call.args[0] === 'join-cluster')?.exitCode).not.toBe(0);
      const shared = await boot(userData, { hooks: { k8s: hook }, shareNetwork: true });
      expect(shared.files.has(sentinel)).toBe(true);
      expect(received).toContain(`join-cluster ${testTokens.join} --address :2380 --file /capi/etc/config.yaml`);
    } finally {
      server.close();
    }
  });

  it('stops a boot that exceeds its time limit', async () => {
    const hang = '#!/bin/bash\nexec /usr/bin/sleep 30\n';
    await expect(boot(renderCloudConfig(workerInput({ version: 'v1.32.1' })), { hooks: { snap: hang }, timeoutMs: 1500 })).rejects.toThrow(
      /killed \(SIGKILL\) after the 1500 ms limit/,
    );
  });

  it('refuses user data that cloud-init would ignore because its jinja template does not render', async () => {
    const userData = renderCloudConfig(workerInput({ version: 'v1.32.1', nodeName: '{{ ds.no_such_key.local_hostname }}' }));
    await expect(boot(userData)).rejects.toThrow(NodeBootError);
  });
});

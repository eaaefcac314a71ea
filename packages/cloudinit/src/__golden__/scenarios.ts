// One golden cloud-config per role and per feature. The files beside this module were reviewed by hand and are
// locked: golden.test.ts fails on any difference. After an intended change, regenerate them with
//   node_modules/.bin/tsx packages/cloudinit/src/__golden__/update.ts
// (from the repository root), review the diff, and commit it. The tests never rewrite them.
import { gzipSync } from 'node:zlib';
import type { RenderInput } from '../input';
import { parseSnapInstallAnnotation } from '../snap-install';
import { fakeCertificate, initInput, joinControlPlaneInput, secretValues, workerInput } from '../test-support/inputs';

export interface GoldenScenario {
  readonly name: string;
  readonly input: RenderInput;
}

const proxy = {
  httpProxy: 'http://proxy.internal:3128',
  httpsProxy: 'http://proxy.internal:3128',
  noProxy: '10.0.0.0/8,192.168.0.0/16,.cluster.local,localhost,127.0.0.1',
};

const kubeletConfigDropIn = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 200\n';

export const goldenScenarios: readonly GoldenScenario[] = [
  { name: 'init-control-plane', input: initInput({ version: 'v1.32.1' }) },
  { name: 'init-control-plane-proxy', input: initInput({ version: 'v1.32.1', ...proxy }) },
  { name: 'join-control-plane', input: joinControlPlaneInput({ version: 'v1.32.1', ...proxy }) },
  { name: 'worker', input: workerInput({ version: 'v1.32.1', ...proxy }) },
  {
    name: 'worker-snapstore-proxy',
    input: workerInput({
      version: 'v1.33.0',
      snapstoreProxyScheme: 'https',
      snapstoreProxyDomain: 'snaps.internal',
      snapstoreProxyId: 'AbCdEf0123456789',
    }),
  },
  {
    name: 'init-control-plane-air-gapped',
    input: initInput({ version: 'v1.32.1', airGapped: true, preRunCommands: ['snap install /opt/k8s.snap --classic --dangerous'] }),
  },
  { name: 'worker-install-revision', input: workerInput({ version: 'v1.32.1', revision: '3456' }) },
  { name: 'worker-install-local-path', input: workerInput({ version: 'v1.32.1', localPath: '/opt/snaps' }) },
  { name: 'worker-install-channel', input: workerInput({ version: 'v1.32.1', channel: '1.33-classic/edge' }) },
  {
    name: 'join-control-plane-in-place-release',
    input: joinControlPlaneInput(
      { version: 'v1.32.1' },
      { snapInstallOverride: parseSnapInstallAnnotation('channel=1.33-classic/stable', 'annotation') },
    ),
  },
  {
    name: 'worker-files',
    input: workerInput(
      {
        version: 'v1.32.1',
        files: [
          { path: '/etc/motd', content: 'Managed by Cluster API\n' },
          {
            path: '/etc/kubernetes/kubelet-extra.yaml',
            encoding: 'base64',
            permissions: '0640',
            owner: 'root:root',
            content: Buffer.from(kubeletConfigDropIn).toString('base64'),
          },
          {
            path: '/capi/manifests/10-kube-vip.yaml',
            encoding: 'gzip+base64',
            content: gzipSync(Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-vip\n')).toString('base64'),
          },
          { path: '/capi/images/platform', contentFrom: { secret: { name: 'airgap-images', key: 'platform' } } },
          {
            path: '/etc/kubernetes/audit-policy.yaml',
            encoding: 'gzip',
            contentFrom: { secret: { name: 'audit', key: 'policy.yaml.gz' } },
          },
          {
            path: '/capi/scripts/install.sh',
            permissions: '0500',
            content: '#!/bin/bash\nset -o errexit\nsnap install k8s --classic --channel 1.32-classic/stable\n',
          },
        ],
      },
      {
        secretValue: (reference) =>
          reference.name === 'audit' ? gzipSync('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n') : secretValues({ 'airgap-images/platform': 'linux/amd64' })(reference),
      },
    ),
  },
  {
    name: 'worker-additional-user-data',
    input: workerInput({
      version: 'v1.32.1',
      bootCommands: ['echo booting > /dev/console'],
      preRunCommands: ['echo before install'],
      postRunCommands: ['echo node ready'],
      additionalUserData: {
        users: '- name: ops\n  groups: sudo\n  ssh_authorized_keys:\n    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests ops@example\n',
        package_update: 'true',
        runcmd: '- echo dropped, runcmd is managed',
        timezone: 'Etc/UTC',
      },
    }),
  },
  {
    name: 'worker-node-name-jinja',
    input: workerInput({
      version: 'v1.32.1',
      nodeName: '{{ ds.meta_data.local_hostname }}',
      extraKubeletArgs: { '--provider-id': 'aws:///{{ v1.instance_id }}' },
    }),
  },
  {
    name: 'init-control-plane-external-datastore',
    input: initInput(
      { version: 'v1.32.1', controlPlane: { datastoreType: 'external', datastoreServersSecretRef: { name: 'cluster-etcd-servers', key: 'servers' } } },
      {
        externalDatastore: {
          servers: ['https://10.0.1.1:2379', 'https://10.0.1.2:2379'],
          caCertPem: fakeCertificate('etcd CA').certPem,
          client: fakeCertificate('apiserver etcd client'),
        },
      },
    ),
  },
  {
    name: 'init-control-plane-features',
    input: initInput(
      {
        version: 'v1.34.2',
        controlPlane: {
          extraSANs: ['k8s.example.com', '192.0.2.10'],
          cloudProvider: 'external',
          nodeTaints: ['node-role.kubernetes.io/control-plane:NoSchedule'],
          etcdPort: 12379,
          etcdPeerPort: 12380,
          microclusterAddress: 'fd00:10::/64',
          microclusterPort: 6400,
          extraKubeAPIServerArgs: { '--anonymous-auth': 'true', '--profiling': null },
          extraKubeControllerManagerArgs: { '--terminated-pod-gc-threshold': '50' },
          extraKubeSchedulerArgs: { '--profiling': 'false' },
        },
        initConfig: {
          annotations: { 'k8sd/v1alpha1/cilium/devices': 'eth+' },
          enableDefaultNetwork: false,
          enableDefaultLocalStorage: false,
          enableDefaultIngress: true,
        },
        extraContainerdArgs: { '--log-level': 'debug' },
        extraKubeProxyArgs: { '--proxy-mode': 'ipvs' },
      },
      {
        cluster: {
          controlPlaneEndpointHost: 'k8s.example.com',
          apiServerPort: 8443,
          podCidrs: ['10.1.0.0/16', 'fd00::/108'],
          serviceCidrs: ['10.152.0.0/16', 'fd01::/108'],
          serviceDomain: 'example.internal',
        },
      },
    ),
  },
  {
    name: 'init-control-plane-user-bootstrap-config',
    input: initInput(
      { version: 'v1.32.1', bootstrapConfig: { contentFrom: { secret: { name: 'my-bootstrap-config', key: 'config.yaml' } } } },
      { secretValue: secretValues({ 'my-bootstrap-config/config.yaml': 'cluster-config:\n  network:\n    enabled: true\ndisable-rbac: false\n' }) },
    ),
  },
  {
    name: 'join-control-plane-extra-args',
    input: joinControlPlaneInput({
      version: 'v1.32.1',
      controlPlane: { extraSANs: ['k8s.example.com'], extraKubeAPIServerArgs: { '--anonymous-auth': null } },
      extraKubeletArgs: { '--max-pods': '200', '--read-only-port': null },
      ExtraK8sAPIServerProxyArgs: { '--ignored-on-control-planes': 'true' },
    }),
  },
  {
    name: 'worker-extra-args',
    input: workerInput({
      version: 'v1.32.1',
      extraKubeletArgs: { '--max-pods': '200', '--read-only-port': null },
      extraKubeProxyArgs: { '--proxy-mode': null },
      extraContainerdArgs: { '--log-level': 'debug' },
      ExtraK8sAPIServerProxyArgs: { '--refresh-interval': '30s', '--endpoints-file': null },
      controlPlane: { extraKubeAPIServerArgs: { '--ignored-on-workers': 'true' } },
    }),
  },
];

export function goldenFile(name: string): URL {
  return new URL(`./${name}.yaml`, import.meta.url);
}

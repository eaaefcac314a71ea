import { defaultPorts } from '@capi-ck8s/api';
import { toYaml } from './yaml';

export const k8sdProxyImage = 'ghcr.io/canonical/cluster-api-k8s/socat:1.8.0.0';
/** Port the proxy pods listen on; the providers port-forward to it, whatever port k8sd itself uses. */
export const k8sdProxyListenPort = 2380;

/**
 * The k8sd-proxy the first control plane node applies: a DaemonSet of socat pods forwarding to k8sd on their own
 * node, so the providers reach any node's k8sd through the Kubernetes API (pods/portforward).
 */
export function k8sdProxyManifest(microclusterPort: number = defaultPorts.microclusterPort): string {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'k8sd-proxy-config', namespace: 'kube-system' },
    data: { 'k8sd-port': String(microclusterPort) },
  };
  const daemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'k8sd-proxy', namespace: 'kube-system', labels: { app: 'k8sd-proxy' } },
    spec: {
      selector: { matchLabels: { app: 'k8sd-proxy' } },
      template: {
        metadata: { labels: { app: 'k8sd-proxy' } },
        spec: {
          tolerations: [
            { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'k8sd-proxy',
              image: k8sdProxyImage,
              args: [
                '-t',
                '5',
                `TCP4-LISTEN:${k8sdProxyListenPort},fork,reuseaddr,nodelay`,
                'TCP4:$(HOSTIP):$(K8SD_PORT),nodelay',
              ],
              env: [
                { name: 'HOSTIP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                {
                  name: 'K8SD_PORT',
                  valueFrom: { configMapKeyRef: { name: 'k8sd-proxy-config', key: 'k8sd-port' } },
                },
              ],
              ports: [{ name: 'k8sd', containerPort: k8sdProxyListenPort }],
            },
          ],
        },
      },
    },
  };
  return `${toYaml(configMap)}---\n${toYaml(daemonSet)}`;
}

// SIMULATOR: starts the simulated infrastructure provider in this process — a runtime Manager with the SimCluster and
// SimMachine controllers, and the simulated cloud they drive. Stopping it stops every simulated node and cluster.
import { createLogger, Manager, type ManagerFlags } from '@capi-ck8s/runtime';
import { installCrds } from '@capi-ck8s/testenv';
import type { KubeConfig } from '@kubernetes/client-node';
import { SimulatedCloud } from './cloud';
import { registerSimControllers } from './controllers';
import { simCrds } from './crds';

export interface SimInfrastructureProviderOptions {
  kubeConfig: KubeConfig;
  /** Watch only this namespace (tests running side by side). */
  namespace?: string;
  flags?: Partial<ManagerFlags>;
  bootTimeoutMs?: number;
}

export interface SimInfrastructureProvider {
  cloud: SimulatedCloud;
  manager: Manager;
  stop(): Promise<void>;
}

export async function installSimCrds(kubeConfig: KubeConfig): Promise<void> {
  await installCrds(kubeConfig, [...simCrds]);
}

export async function startSimInfrastructureProvider(options: SimInfrastructureProviderOptions): Promise<SimInfrastructureProvider> {
  const logLevel = options.flags?.logLevel ?? 'error';
  const manager = new Manager({
    name: 'sim-infrastructure-provider',
    kubeConfig: options.kubeConfig,
    flags: {
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      webhookPort: 0,
      logLevel,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...options.flags,
    },
    logger: createLogger({ level: logLevel, name: 'sim-infrastructure-provider' }),
  });
  const cloud = await SimulatedCloud.start(options.bootTimeoutMs ? { bootTimeoutMs: options.bootTimeoutMs } : {});
  registerSimControllers(manager, cloud);
  await manager.start();
  await manager.waitForLeadership();
  let stopped: Promise<void> | undefined;
  return {
    cloud,
    manager,
    stop() {
      stopped ??= manager.stop().then(() => cloud.stop());
      return stopped;
    },
  };
}

import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { pinnedVersions } from './binaries';
import { type ClusterApiCore, startClusterApiCore } from './cluster-api';
import { type ControlPlaneOptions, type TestControlPlane, startControlPlane } from './control-plane';

/** A management plane: a control plane plus the real Cluster API core manager, CRDs and webhooks. */
export interface TestEnvironment {
  controlPlane: TestControlPlane;
  clusterApi: ClusterApiCore;
  stop(): Promise<void>;
}

export async function startEnvironment(options: ControlPlaneOptions = {}): Promise<TestEnvironment> {
  const controlPlane = await startControlPlane({ name: 'management', ...options });
  try {
    const clusterApi = await startClusterApiCore(controlPlane);
    return {
      controlPlane,
      clusterApi,
      async stop() {
        await clusterApi.stop();
        await controlPlane.stop();
      },
    };
  } catch (error) {
    await controlPlane.stop();
    throw error;
  }
}

/** What a process that hosts an environment publishes so other processes (jest workers, the demo) can use it. */
export interface EnvironmentState {
  server: string;
  kubeconfigPath: string;
  versions: { kubernetes: string; etcd: string; clusterApi: string };
  hostPid: number;
}

export const STATE_VARIABLE = 'CAPI_CK8S_TESTENV_STATE';

export function environmentState(environment: TestEnvironment): EnvironmentState {
  return {
    server: environment.controlPlane.server,
    kubeconfigPath: environment.controlPlane.kubeconfigPath,
    versions: {
      kubernetes: pinnedVersions.kubernetes,
      etcd: pinnedVersions.etcd,
      clusterApi: environment.clusterApi.version,
    },
    hostPid: process.pid,
  };
}

export interface SharedEnvironment extends EnvironmentState {
  kubeConfig(): KubeConfig;
}

/**
 * The environment the jest global setup started for this run (projects with `needsEnvironment: true`). Tests share
 * it and isolate themselves by namespace (see createTestNamespace).
 */
export function sharedEnvironment(): SharedEnvironment {
  const stateFile = process.env[STATE_VARIABLE];
  if (!stateFile) {
    throw new Error(
      `${STATE_VARIABLE} is not set: this test needs the shared environment; set needsEnvironment: true in its jest.config.mjs`,
    );
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as EnvironmentState;
  return {
    ...state,
    kubeConfig() {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(state.kubeconfigPath);
      return kubeConfig;
    },
  };
}

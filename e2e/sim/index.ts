export * from './crds';
export * from './kinds';
export * from './quorum';
export { SimulatedCloud, type BootState, type MachineBoot } from './cloud';
export { machineStatusFor, registerSimControllers } from './controllers';
export { parseStubCall, resolveSnapVersion, type NodeCommand, type SnapSource } from './node-agent/commands';
export { MachineNode, SimulatedWorkloadCluster, parseBootstrapConfig, proxyPodName } from './workload';
export { installSimCrds, startSimInfrastructureProvider, type SimInfrastructureProvider, type SimInfrastructureProviderOptions } from './provider';

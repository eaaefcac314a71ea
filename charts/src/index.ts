export {
  chartFolder,
  chartsFolder,
  impersonatingKubeconfig,
  installChart,
  lintChart,
  providerCharts,
  renderChart,
  uninstallChart,
  workFile,
  type ChartValues,
  type ProviderChart,
  type ReleaseOptions,
  type RenderedRelease,
} from './charts';
export {
  clusterctlFolder,
  clusterctlProviderName,
  clusterTemplatesFolder,
  componentsLayout,
  releaseVersion,
  renderComponents,
  writeClusterctlRepository,
  type ClusterctlRepository,
} from './components';
export {
  defaultNamePrefix,
  defaultNamespace,
  leaderElectionId,
  providerLabel,
  providerObjectNames,
  serviceAccountUser,
  type ProviderObjectNames,
} from './names';
export { run, type CommandResult } from './tools';

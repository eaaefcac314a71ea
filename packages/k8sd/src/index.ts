export * from './api';
export * from './client';
export * from './errors';
export * from './flags';
export * from './port-forward';
export * from './port-forward-transport';
export * from './transport';
export * from './workload';

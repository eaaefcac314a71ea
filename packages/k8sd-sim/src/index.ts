export * from './clock';
export * from './cluster';
export * from './errors';
export * from './server';
export * from './strict-json';
export * from './kubelet-port-forward';

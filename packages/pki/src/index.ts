export * from './keys';
export * from './certificates';
export * from './cluster';
export * from './kubeconfig';
export * from './rotation';
export * from './secrets';
export * from './tokens';
export * from './validation';

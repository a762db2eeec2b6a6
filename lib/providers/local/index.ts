export { createLocalProvider, localProvider, type LocalProviderOptions } from './local-provider';

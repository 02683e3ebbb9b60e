// Types for the deep undici modules src/apiframe/undiciParts.ts loads (undici ships types for its root only).
declare module 'undici/lib/dispatcher/agent' {
  import { Agent } from 'undici';
  export default Agent;
}
declare module 'undici/lib/dispatcher/env-http-proxy-agent' {
  import { EnvHttpProxyAgent } from 'undici';
  export default EnvHttpProxyAgent;
}
declare module 'undici/lib/dispatcher/dispatcher' {
  import { Dispatcher } from 'undici';
  export default Dispatcher;
}
declare module 'undici/lib/api/index' {
  import type { Dispatcher } from 'undici';
  export const request: Dispatcher['request'];
  export const stream: Dispatcher['stream'];
  export const pipeline: Dispatcher['pipeline'];
  export const connect: Dispatcher['connect'];
  export const upgrade: Dispatcher['upgrade'];
}

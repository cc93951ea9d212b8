export type { DirectoryThrottling, DirectoryThrottlingInput } from './directory-throttle';
export type { FaultRule, FaultSpec, Latency } from './faults';
export { GRAPH_FILES } from './files';
export {
  EMAIL_METHOD_ID,
  GRAPH_AUDIENCES,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
  ROLE_TEMPLATE_IDS,
} from './graph-ids';
export type { GraphVersion } from './openapi-spec';
export type { ReportsThrottling, ReportsThrottlingInput } from './rate-limit';
export type { RequestLogEntry } from './request-log';
export { ODATA_JSON } from './response';
export type { RouteInfo } from './router';
export type { AuthenticationMethodSeed, SignInSeed, TenantData, TenantSeed, UserSeed } from './seed-schema';
export { TenantSeedSchema } from './seed-schema';
export type { GeneratedSignIns, GenerateSignInsSpec } from './sign-in-generator';
export type { SignInInput } from './sign-in-store';
export type { GraphSimulator, GraphSimulatorOptions } from './simulator';
export { DEMO_SEED_PATH, startGraphSimulator } from './simulator';
export { loadSeedFile, parseSeed, Tenant } from './tenant';

export { checkTarget, type GuardDeps } from './check-target';
export {
  assertTargetAllowed,
  decide,
  type GuardConfig,
  type GuardDecision,
  type GuardFacts,
  type GuardTarget,
  protectionReasons,
  REFUSAL_DETAIL,
} from './decision';

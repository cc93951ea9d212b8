import { type BatchStep, MAX_BATCH_STEPS } from '../graph/batch';
import {
  EXTERNAL_METHOD_TYPE,
  isRemovable,
  methodDeletePath,
  type MethodType,
  methodTypeOf,
  type RemovableMethodType,
} from '../graph/method-types';
import type { GraphAuthenticationMethod } from '../graph/users';

export interface MethodRef {
  id: string;
  type: MethodType;
}

export interface PlannedDelete extends MethodRef {
  type: RemovableMethodType;
  version: 'v1.0' | 'beta';
  url: string;
  /** Graph refuses to delete a mobile phone while an alternate mobile exists. */
  after?: string;
}

export interface ResetPlan {
  deletes: PlannedDelete[];
  kept: (MethodRef & { reason: KeptReason })[];
}

/**
 * `not_removable`: the password, or a type this service doesn't know; `external_provider`: an
 * external MFA provider's registration, managed with that provider; `not_requested`: outside `methodTypes`.
 */
export type KeptReason = 'not_removable' | 'external_provider' | 'not_requested';

/**
 * Which of the user's methods a reset deletes, through which per-type path, and in what order.
 * `methodTypes` narrows the reset (e.g. to what the admin center's "Require re-register MFA"
 * removes); password and unknown types are never deleted.
 */
export function planReset(
  methods: readonly GraphAuthenticationMethod[],
  userPath: string,
  methodTypes?: ReadonlySet<RemovableMethodType>,
): ResetPlan {
  const plan: ResetPlan = { deletes: [], kept: [] };
  for (const method of methods) {
    const type = methodTypeOf(method['@odata.type']);
    if (!isRemovable(type)) {
      const reason = type === EXTERNAL_METHOD_TYPE ? 'external_provider' : 'not_removable';
      plan.kept.push({ id: method.id, type, reason });
    } else if (methodTypes && !methodTypes.has(type)) {
      plan.kept.push({ id: method.id, type, reason: 'not_requested' });
    } else {
      plan.deletes.push({ id: method.id, type, ...methodDeletePath(userPath, type, method.id) });
    }
  }
  const alternateMobile = plan.deletes.find((step) => phoneTypeOf(methods, step.id) === 'alternateMobile');
  const mobile = plan.deletes.find((step) => phoneTypeOf(methods, step.id) === 'mobile');
  if (alternateMobile && mobile) {
    mobile.after = alternateMobile.id;
    // Last and adjacent, so the pair always lands in one batch.
    plan.deletes = [
      ...plan.deletes.filter((step) => step !== mobile && step !== alternateMobile),
      alternateMobile,
      mobile,
    ];
  }
  return plan;
}

function phoneTypeOf(methods: readonly GraphAuthenticationMethod[], id: string): unknown {
  const method = methods.find((candidate) => candidate.id === id);
  return method?.['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod'
    ? method.phoneType
    : undefined;
}

export interface DeleteBatch {
  version: 'v1.0' | 'beta';
  steps: BatchStep[];
  /** Batch step id → the method it deletes. */
  methods: Map<string, PlannedDelete>;
}

/**
 * Groups deletes into JSON batches of at most 20 steps per Graph version; `extraSteps` (e.g. the
 * session revoke) ride along in the last parallel v1.0 batch when there is room. A dependent pair
 * gets a batch of its own: Graph refuses a batch that mixes independent requests with dependent
 * ones ("Batch should be either fully sequential or fully parallel.").
 */
export function toDeleteBatches(
  deletes: readonly PlannedDelete[],
  extraSteps: readonly BatchStep[] = [],
): DeleteBatch[] {
  const batches: DeleteBatch[] = [];
  const serial = new Set<DeleteBatch>();
  const stepIds = new Map(deletes.map((step, index) => [step.id, `delete-${index + 1}`]));
  for (const version of ['v1.0', 'beta'] as const) {
    let current: DeleteBatch | undefined;
    const pending: BatchStep[] = version === 'v1.0' ? [...extraSteps] : [];
    for (const step of deletes.filter((candidate) => candidate.version === version)) {
      const hasDependent = deletes.some((other) => other.after === step.id);
      if (
        !current ||
        hasDependent ||
        (serial.has(current) && !step.after) ||
        current.steps.length >= MAX_BATCH_STEPS
      ) {
        current = { version, steps: [], methods: new Map() };
        batches.push(current);
        if (hasDependent) serial.add(current);
      }
      const id = stepIds.get(step.id)!;
      const dependsOn = step.after ? stepIds.get(step.after) : undefined;
      current.steps.push({
        id,
        method: 'DELETE',
        url: step.url,
        ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
      });
      current.methods.set(id, step);
    }
    current = batches.findLast(
      (batch) => batch.version === version && !serial.has(batch) && batch.steps.length < MAX_BATCH_STEPS,
    );
    for (const extra of pending) {
      if (!current || current.steps.length >= MAX_BATCH_STEPS) {
        current = { version, steps: [], methods: new Map() };
        batches.push(current);
      }
      current.steps.push(extra);
    }
  }
  return batches;
}

/** Reading a Logic Apps workflow definition (workflow.json) as the tests need it. */

export interface WorkflowAction {
  type: string;
  runAfter: Record<string, string[]>;
  inputs?: Record<string, unknown>;
  actions?: Record<string, WorkflowAction>;
  else?: { actions: Record<string, WorkflowAction> };
  cases?: Record<string, { case: string; actions: Record<string, WorkflowAction> }>;
  default?: { actions: Record<string, WorkflowAction> };
  runtimeConfiguration?: { secureData?: { properties: string[] } };
  limit?: { timeout: string };
  [key: string]: unknown;
}

export interface WorkflowDefinition {
  parameters: Record<string, { type: string; defaultValue?: unknown }>;
  triggers: Record<string, { inputs: { path: string } }>;
  actions: Record<string, WorkflowAction>;
}

/** The action containers a definition has: its top level, each scope, each branch and case. */
export function actionContainers(
  actions: Record<string, WorkflowAction>,
  where = 'actions',
): { where: string; actions: Record<string, WorkflowAction> }[] {
  const found = [{ where, actions }];
  for (const [name, action] of Object.entries(actions)) {
    const nested: [string, Record<string, WorkflowAction> | undefined][] = [
      [`${name}.actions`, action.actions],
      [`${name}.else`, action.else?.actions],
      [`${name}.default`, action.default?.actions],
      ...Object.entries(action.cases ?? {}).map(
        ([caseName, branch]): [string, Record<string, WorkflowAction>] => [
          `${name}.cases.${caseName}`,
          branch.actions,
        ],
      ),
    ];
    for (const [path, inner] of nested) if (inner) found.push(...actionContainers(inner, path));
  }
  return found;
}

/** Every action, wherever it sits, by name (Logic Apps names are unique across a workflow). */
export function allActions(definition: WorkflowDefinition): Map<string, WorkflowAction> {
  const byName = new Map<string, WorkflowAction>();
  for (const container of actionContainers(definition.actions)) {
    for (const [name, action] of Object.entries(container.actions)) byName.set(name, action);
  }
  return byName;
}

/** What is wrong with one container's `runAfter`: names that are not siblings, and cycles. */
export function runAfterProblems(actions: Record<string, WorkflowAction>): string[] {
  const names = new Set(Object.keys(actions));
  const problems: string[] = [];
  for (const [name, action] of Object.entries(actions)) {
    for (const before of Object.keys(action.runAfter)) {
      if (!names.has(before)) problems.push(`${name} runs after ${before}, which is not a sibling`);
    }
  }
  // Kahn's algorithm: whatever never becomes ready sits on (or behind) a cycle.
  const waiting = new Map(
    Object.entries(actions).map(([name, action]) => [
      name,
      Object.keys(action.runAfter).filter((before) => names.has(before)),
    ]),
  );
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const [name, before] of waiting) {
      if (before.every((other) => !waiting.has(other))) {
        waiting.delete(name);
        progressed = true;
      }
    }
  }
  if (waiting.size > 0) problems.push(`cycle among ${[...waiting.keys()].sort().join(', ')}`);
  return problems;
}

/** An action's own definition, without the actions nested in it. */
export function ownPart(action: WorkflowAction): Record<string, unknown> {
  const own: Record<string, unknown> = { ...action };
  delete own.actions;
  delete own.else;
  delete own.cases;
  delete own.default;
  return own;
}

/** Every string in a JSON value, keys included. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allStrings(inner)]);
  }
  return [];
}

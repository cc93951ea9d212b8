import type { HostedFunction } from './function-index';
import type { AuthLevel } from './keys';

/** One function as main.ts prints it and sends it in the `ready` message. */
export interface FunctionSummary {
  readonly name: string;
  readonly trigger: string;
  readonly methods?: readonly string[] | undefined;
  readonly route?: string;
  readonly url?: string;
  readonly authLevel?: AuthLevel;
  readonly schedule?: string;
}

export function summarizeFunctions(
  functions: readonly HostedFunction[],
  baseUrl: string,
  routePrefix: string,
): FunctionSummary[] {
  return [...functions]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((fn): FunctionSummary => {
      switch (fn.kind) {
        case 'http': {
          const route = fn.route.text.replace(/^~?\//, '');
          const url = [baseUrl, routePrefix, route].filter((part) => part !== '').join('/');
          return {
            name: fn.name,
            trigger: fn.triggerType,
            methods: fn.methods,
            route,
            url,
            authLevel: fn.authLevel,
          };
        }
        case 'timer':
          return { name: fn.name, trigger: fn.triggerType, schedule: fn.schedule.expression };
        case 'other':
          return { name: fn.name, trigger: fn.triggerType };
      }
    });
}

/** The `func start` style listing: `name: [GET,POST] http://…` or `name: timerTrigger`. */
export function formatFunctionList(summaries: readonly FunctionSummary[]): string[] {
  const lines = ['', 'Functions:', ''];
  for (const fn of summaries) {
    if (fn.url !== undefined) lines.push(`\t${fn.name}: [${fn.methods?.join(',') ?? 'ANY'}] ${fn.url}`);
    else if (fn.schedule !== undefined) lines.push(`\t${fn.name}: ${fn.trigger}`);
    else
      lines.push(
        `\t${fn.name}: ${fn.trigger} (not triggered locally; run it with POST /admin/functions/${fn.name})`,
      );
    lines.push('');
  }
  return lines;
}

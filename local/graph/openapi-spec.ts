import { readFileSync } from 'node:fs';

import { GRAPH_FILES } from './files';

export type GraphVersion = 'v1.0' | 'beta';
export const GRAPH_VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];

interface PermissionEntry {
  permission: string;
}

interface OperationObject {
  'x-ms-permissions'?: { Application?: PermissionEntry[] };
}

interface SchemaObject {
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject & { 'x-ms-navigationProperty'?: boolean }>;
  $ref?: string;
  type?: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

/** What the simulator reads from Microsoft's OpenAPI subsets: permissions and property lists. */
export interface GraphSpec {
  version: GraphVersion;
  hasOperation(method: string, pathTemplate: string): boolean;
  /** The application permissions any one of which allows the operation; undefined when not listed. */
  applicationPermissions(method: string, pathTemplate: string): readonly string[] | undefined;
  /** Structural (non-navigation) properties of a type, inherited ones included, keyed by lower-case name. */
  structuralProperties(typeName: string): Map<string, { name: string; isCollection: boolean }>;
  pathTemplates(): readonly string[];
}

function loadSpec(version: GraphVersion): GraphSpec {
  const document = JSON.parse(readFileSync(GRAPH_FILES.openApi[version], 'utf8')) as OpenApiDocument;
  const operation = (method: string, template: string) => document.paths[template]?.[method.toLowerCase()];

  const collect = (
    schema: SchemaObject,
    into: Map<string, { name: string; isCollection: boolean }>,
  ): void => {
    if (schema.$ref !== undefined) {
      const target = document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
      if (target !== undefined) collect(target, into);
      return;
    }
    for (const part of schema.allOf ?? []) collect(part, into);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (property['x-ms-navigationProperty'] === true || name.startsWith('@odata.')) continue;
      into.set(name.toLowerCase(), { name, isCollection: property.type === 'array' });
    }
  };

  return {
    version,
    hasOperation: (method, template) => operation(method, template) !== undefined,
    applicationPermissions(method, template) {
      const entries = operation(method, template)?.['x-ms-permissions']?.Application;
      return entries?.map((entry) => entry.permission);
    },
    structuralProperties(typeName) {
      const schema = document.components.schemas[`microsoft.graph.${typeName}`];
      if (schema === undefined)
        throw new Error(`no schema microsoft.graph.${typeName} in the ${version} subset`);
      const properties = new Map<string, { name: string; isCollection: boolean }>();
      collect(schema, properties);
      return properties;
    },
    pathTemplates: () => Object.keys(document.paths),
  };
}

const specs = new Map<GraphVersion, GraphSpec>();

export function graphSpec(version: GraphVersion): GraphSpec {
  let spec = specs.get(version);
  if (spec === undefined) {
    spec = loadSpec(version);
    specs.set(version, spec);
  }
  return spec;
}

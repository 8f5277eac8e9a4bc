import {
  BreakingChangeType,
  type DocumentNode,
  DangerousChangeType,
  type GraphQLSchema,
  Kind,
  type ASTNode,
  buildASTSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
  visit,
} from "graphql";

/**
 * What a unit's change does to clients: the API of the supergraph before and
 * after, compared by graphql-js (removed or retyped fields, arguments, enum
 * values, types), with the public contract and the operations clients are
 * known to send called out. Additions are listed, never failed.
 */
export interface Change {
  /** graphql-js's change type, e.g. FIELD_REMOVED. */
  type: string;
  description: string;
  /** The schema coordinate it touches, e.g. "Offer.title" or "Channel.PARTNER". */
  coordinate: string;
  /** Whether that coordinate is part of the public contract. */
  contract: boolean;
}

export interface ClientOperation {
  name: string;
  query: string;
}

export interface ContractReport {
  breaking: Change[];
  /** Changes that can alter what a client gets without failing it (e.g. a new enum value). */
  notes: Change[];
  /** Operations that were valid before and are not after. */
  brokenOperations: { name: string; errors: string[] }[];
  added: string[];
}

/**
 * The API schema of a supergraph (or of any SDL): what clients can query,
 * without federation's join__/link__ machinery, directive definitions, or
 * anything marked @inaccessible.
 */
export function apiSchema(sdl: string): GraphQLSchema {
  const hidden = (node: { directives?: readonly { name: { value: string } }[] }) => node.directives?.some((d) => d.name.value === "inaccessible") ?? false;
  const machinery = (name: string) => /^(join|link)__/.test(name);
  const api = visit(parse(sdl), {
    enter(node: ASTNode) {
      if (node.kind === Kind.DIRECTIVE_DEFINITION || node.kind === Kind.SCHEMA_EXTENSION) return null;
      if ("directives" in node && hidden(node as never)) return null;
      if ("name" in node && node.name && node.kind !== Kind.DIRECTIVE && machinery(node.name.value)) return null;
      return undefined;
    },
    leave(node: ASTNode) {
      // Keep no directive usages: their definitions are gone, and they are not the API.
      if ("directives" in node && node.directives?.length) return { ...node, directives: [] };
      return undefined;
    },
  }) as DocumentNode;
  return buildASTSchema(api, { assumeValidSDL: true });
}

function coordinateOf(type: string, description: string): string {
  const patterns: Record<string, RegExp> = {
    [BreakingChangeType.VALUE_REMOVED_FROM_ENUM]: /^(?<value>\w+) was removed from enum type (?<type>\w+)/,
    [DangerousChangeType.VALUE_ADDED_TO_ENUM]: /^(?<value>\w+) was added to enum type (?<type>\w+)/,
    [BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED]: /on input type (?<type>\w+)/,
    [BreakingChangeType.REQUIRED_ARG_ADDED]: /on (?<type>\w+)\.(?<value>\w+)/,
    [DangerousChangeType.OPTIONAL_ARG_ADDED]: /on (?<type>\w+)\.(?<value>\w+)/,
    [DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED]: /on input type (?<type>\w+)/,
  };
  const match = (patterns[type] ?? /^(?<type>\w+)(?:\.(?<value>\w+))?/).exec(description);
  const { type: owner = "", value } = match?.groups ?? {};
  return value ? `${owner}.${value}` : owner;
}

/** Every type, field, argument-bearing field, input field and enum value the contract names. */
export function coordinates(schema: GraphQLSchema): Set<string> {
  const out = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    out.add(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) for (const field of Object.keys(type.getFields())) out.add(`${type.name}.${field}`);
    if (isEnumType(type)) for (const value of type.getValues()) out.add(`${type.name}.${value.name}`);
  }
  return out;
}

/** Compares two SDLs (supergraphs or plain schemas) as clients see them. */
export function compareApis(before: string, after: string, options: { contract?: string; operations?: readonly ClientOperation[] } = {}): ContractReport {
  const [oldApi, newApi] = [apiSchema(before), apiSchema(after)];
  const contract = options.contract ? coordinates(buildASTSchema(parse(options.contract), { assumeValidSDL: true })) : new Set<string>();
  const toChange = ({ type, description }: { type: string; description: string }): Change => {
    const coordinate = coordinateOf(type, description);
    return { type, description, coordinate, contract: contract.has(coordinate) };
  };
  const breaking = findBreakingChanges(oldApi, newApi).map(toChange);
  const notes: Change[] = [];
  for (const change of findDangerousChanges(oldApi, newApi).map(toChange)) {
    // The contract fixes argument defaults (first: Int = 20): changing one changes what clients get.
    if (change.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE && change.contract) breaking.push(change);
    else notes.push(change);
  }
  const brokenOperations = (options.operations ?? []).flatMap(({ name, query }) => {
    const document = parse(query);
    if (validate(oldApi, document).length > 0) return [];
    const errors = validate(newApi, document).map((e) => e.message);
    return errors.length > 0 ? [{ name, errors }] : [];
  });
  const previous = coordinates(oldApi);
  const added = [...coordinates(newApi)].filter((c) => !previous.has(c)).sort();
  return { breaking, notes, brokenOperations, added };
}

export function formatReport(report: ContractReport, against: string): string {
  const lines: string[] = [];
  const flag = (c: Change) => (c.contract ? "  [public contract]" : "");
  if (report.breaking.length > 0) {
    lines.push(`Breaking changes against ${against} (${report.breaking.length}):`);
    for (const c of report.breaking) lines.push(`  ✗ ${c.description}${flag(c)}  (${c.type})`);
  }
  if (report.brokenOperations.length > 0) {
    lines.push("Operations clients send that would fail:");
    for (const op of report.brokenOperations) lines.push(`  ✗ ${op.name}: ${op.errors.join("; ")}`);
  }
  if (report.notes.length > 0) {
    lines.push("Notes (not breaking, but clients may notice):");
    for (const c of report.notes) lines.push(`  • ${c.description}${flag(c)}`);
  }
  if (report.added.length > 0) {
    lines.push(`Added (${report.added.length}):`);
    for (const a of report.added) lines.push(`  + ${a}`);
  }
  if (lines.length === 0) lines.push(`No change to the API against ${against}.`);
  return `${lines.join("\n")}\n`;
}

export function isBreaking(report: ContractReport): boolean {
  return report.breaking.length > 0 || report.brokenOperations.length > 0;
}

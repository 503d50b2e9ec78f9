// The client schema (the same file the types are generated from) read at run time, so that a mutation's form is
// built from its arguments' types and offered only to the departments Article 5 lets call it (access.json).
import {
  buildSchema, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLInputType,
} from 'graphql';
import sdl from '../schema.graphql?raw';
import access from '../access.json';

export const schema = buildSchema(sdl);
const mutationType = schema.getMutationType()!;
const allowed = (access as { mutations: Record<string, string[][]> }).mutations;

export type Field = GraphQLArgument | GraphQLInputField;

export function mutation(name: string): GraphQLField<unknown, unknown> {
  const field = mutationType.getFields()[name];
  if (!field) throw new Error(`no mutation ${name} in the schema`);
  return field;
}

export function mayCall(name: string, department: string | undefined): boolean {
  const scopes = allowed[name];
  if (!department || !scopes) return false;
  return scopes.length === 0 || scopes.some((set) => set.every((scope) => scope === department));
}

const PROJECT_KEYS = ['id', 'projectId'];

/** The mutation acts on one project: an `id`/`projectId` argument, or an input object naming `projectId`. */
export function actsOnProject(name: string): boolean {
  return mutation(name).args.some((arg) => {
    if (PROJECT_KEYS.includes(arg.name) && getNamedType(arg.type).name === 'ID') return true;
    const named = getNamedType(arg.type);
    return isInputObjectType(named) && 'projectId' in named.getFields();
  });
}

export function isProjectKey(field: Field, depth: number): boolean {
  return getNamedType(field.type).name === 'ID' && (field.name === 'projectId' || (depth === 0 && field.name === 'id'));
}

/** The mutations a department may call, those on one project or the others. */
export function mutationsFor(department: string | undefined, onProject: boolean): string[] {
  return Object.keys(mutationType.getFields())
    .filter((name) => mayCall(name, department) && actsOnProject(name) === onProject);
}

export { getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType };
export type { GraphQLInputType };

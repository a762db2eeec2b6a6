// The local EC2 endpoint checks each request against EC2's own API model, the one AWS ships in
// npm `aws-sdk@2` (apis/ec2-2016-11-15.min.json): the action must exist, every parameter must be
// one of its input's members as the EC2 query protocol serializes them (Name.N for lists,
// Parent.Member for structures), required members must be there and scalars must parse as their
// type. So a driver cannot rely on a parameter or an action that EC2 would refuse.
import { createRequire } from 'node:module';

interface ModelShape {
  shape?: string;
  type?: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float' | 'blob';
  members?: Record<string, ModelShape>;
  member?: ModelShape;
  required?: string[];
  locationName?: string;
  queryName?: string;
}

interface Ec2Model {
  operations: Record<string, { input?: ModelShape }>;
  shapes: Record<string, ModelShape>;
}

/** How EC2 refuses a request: its code and message. */
export interface ModelProblem {
  code: 'InvalidAction' | 'UnknownParameter' | 'MissingParameter' | 'InvalidParameterValue';
  message: string;
}

const model = createRequire(import.meta.url)('aws-sdk/apis/ec2-2016-11-15.min.json') as Ec2Model;

/** A member with its shared shape (the min model names shapes like "S3" and inlines the rest). */
function resolve(member: ModelShape): ModelShape {
  const shared = member.shape ? model.shapes[member.shape] : undefined;
  return { type: 'string', ...shared, ...member };
}

/** The name a member goes by on the wire: EC2's query protocol capitalizes its location name. */
function wireName(name: string, member: ModelShape): string {
  const wire = member.queryName ?? member.locationName ?? name;
  return wire.charAt(0).toUpperCase() + wire.slice(1);
}

function scalarProblem(type: ModelShape['type'], value: string): string | null {
  switch (type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(value) ? null : 'must be an integer';
    case 'double':
    case 'float':
      return Number.isFinite(Number(value)) ? null : 'must be a number';
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'must be true or false';
    case 'timestamp':
      return Number.isNaN(Date.parse(value)) ? 'must be a timestamp' : null;
    default:
      return null;
  }
}

/** Walks one parameter name (TagSpecification.1.Tag.2.Key) down the input shape; the problem, or null. */
function walk(shape: ModelShape, parts: string[], key: string, value: string): ModelProblem | null {
  const unknown: ModelProblem = { code: 'UnknownParameter', message: `The parameter ${key} is not recognized` };
  switch (shape.type) {
    case 'structure': {
      const [head, ...rest] = parts;
      const entry = Object.entries(shape.members ?? {}).find(([name, m]) => wireName(name, m) === head);
      return entry ? walk(resolve(entry[1]), rest, key, value) : unknown;
    }
    case 'list': {
      const [index, ...rest] = parts;
      // EC2 lists are flattened and counted from 1.
      if (!index || !/^[1-9]\d*$/.test(index)) return unknown;
      return walk(resolve(shape.member ?? {}), rest, key, value);
    }
    case 'map':
      return null;
    default: {
      if (parts.length) return unknown;
      const problem = scalarProblem(shape.type, value);
      return problem ? { code: 'InvalidParameterValue', message: `Value (${value}) for parameter ${key} is invalid: it ${problem}` } : null;
    }
  }
}

/** What EC2 would refuse in this request (Action and Version aside), or null. */
export function checkAgainstModel(action: string, params: URLSearchParams): ModelProblem | null {
  const operation = model.operations[action];
  if (!operation) return { code: 'InvalidAction', message: `The action ${action} is not valid for this web service.` };
  const input = resolve(operation.input ?? { type: 'structure', members: {} });
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const problem = walk(input, key.split('.'), key, value);
    if (problem) return problem;
  }
  for (const name of input.required ?? []) {
    const wire = wireName(name, input.members![name]!);
    if (![...params.keys()].some((k) => k === wire || k.startsWith(`${wire}.`))) return { code: 'MissingParameter', message: `The request must contain the parameter ${wire}` };
  }
  return null;
}

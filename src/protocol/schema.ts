/**
 * A small schema language for the protocol's messages: each field says its JSON type, whether it
 * may be left out, and its limits. One statement of a message gives its TypeScript type
 * ({@linkcode Infer}), the check of an incoming message ({@linkcode checkShape}) and the field list
 * that scripts/check_protocol_doc.ts holds docs/PROTOCOL.md to.
 *
 * Made here rather than taken from npm: the doc check needs to read a schema back (names,
 * optionality), the browser bundle stays free of a dependency, and checking a message is one
 * loop over its fields with no allocation on the server's hot path.
 *
 * @example
 * ```ts
 * import { checkShape, type Infer, integer, optional, string } from "./schema.ts";
 * const shape = { rid: optional(string({ min: 1, max: 64 })), id: integer({ min: 1 }) };
 * type Request = Infer<typeof shape>; // { id: number; rid?: string }
 * checkShape(shape, { id: 3 }); // undefined: no problem
 * checkShape(shape, { id: "3" }); // 'Field "id" must be an integer.'
 * ```
 *
 * @module
 */

/** Limits of a string field, in UTF-16 code units. */
export interface StringLimits {
  min?: number;
  max?: number;
}

/** Limits of a number field. */
export interface NumberLimits {
  min?: number;
  max?: number;
}

/** One field of a message, or an element of an array field. */
export type Field =
  | { readonly kind: "string"; readonly optional?: true; readonly limits: StringLimits }
  | { readonly kind: "integer"; readonly optional?: true; readonly limits: NumberLimits }
  | { readonly kind: "number"; readonly optional?: true }
  | { readonly kind: "boolean"; readonly optional?: true }
  | { readonly kind: "true"; readonly optional?: true }
  | { readonly kind: "enum"; readonly optional?: true; readonly values: readonly string[] }
  | { readonly kind: "nullable"; readonly optional?: true; readonly of: Field }
  | { readonly kind: "array"; readonly optional?: true; readonly of: Field }
  | { readonly kind: "object"; readonly optional?: true; readonly fields: Shape };

/** The fields of a message (or of an object field) by name. */
export type Shape = { readonly [name: string]: Field };

/** A string, optionally bounded in length. */
export function string(limits: StringLimits = {}): { kind: "string"; limits: StringLimits } {
  return { kind: "string", limits };
}

/** A safe integer, optionally bounded. */
export function integer(limits: NumberLimits = {}): { kind: "integer"; limits: NumberLimits } {
  return { kind: "integer", limits };
}

/** A finite number. */
export function number(): { kind: "number" } {
  return { kind: "number" };
}

/** `true` or `false`. */
export function boolean(): { kind: "boolean" } {
  return { kind: "boolean" };
}

/** Only `true`: a flag that is left out rather than `false`. */
export function flag(): { kind: "true" } {
  return { kind: "true" };
}

/** One of a few strings. */
export function oneOf<const V extends readonly string[]>(values: V): { kind: "enum"; values: V } {
  return { kind: "enum", values };
}

/** `of`, or `null`. */
export function nullable<const F extends Field>(of: F): { kind: "nullable"; of: F } {
  return { kind: "nullable", of };
}

/** An array of `of`. */
export function array<const F extends Field>(of: F): { kind: "array"; of: F } {
  return { kind: "array", of };
}

/** A nested object with its own fields. */
export function object<const S extends Shape>(fields: S): { kind: "object"; fields: S } {
  return { kind: "object", fields };
}

/** The same field, which may be left out. */
export function optional<const F extends Field>(field: F): F & { optional: true } {
  return { ...field, optional: true };
}

/** The TypeScript type of values of `F`. */
export type TypeOf<F> = F extends { kind: "string" } ? string
  : F extends { kind: "integer" | "number" } ? number
  : F extends { kind: "boolean" } ? boolean
  : F extends { kind: "true" } ? true
  : F extends { kind: "enum"; values: readonly (infer V)[] } ? V
  : F extends { kind: "nullable"; of: infer I } ? TypeOf<I> | null
  : F extends { kind: "array"; of: infer I } ? TypeOf<I>[]
  : F extends { kind: "object"; fields: infer S } ? Infer<S>
  : never;

type RequiredKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? never : K }[keyof S];
type OptionalKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];

/** The TypeScript type of an object of shape `S`: its optional fields may be missing. */
export type Infer<S> = Simplify<
  & { -readonly [K in RequiredKeys<S>]: TypeOf<S[K]> }
  & { -readonly [K in OptionalKeys<S>]?: TypeOf<S[K]> }
>;

/** Flattens an intersection into one object type, for readable types and errors. */
export type Simplify<T> = { [K in keyof T]: T[K] } & unknown;

/**
 * Checks `value` against `shape`: every required field present, every present field of the
 * right type and within its limits. Fields the shape does not name are allowed (a newer peer may
 * add some). Returns a sentence naming the first problem, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { checkShape, string } from "./schema.ts";
 * checkShape({ text: string({ max: 2 }) }, { text: "abc" }); // 'Field "text" must be at most 2 characters.'
 * ```
 */
export function checkShape(
  shape: Shape,
  value: Record<string, unknown>,
  path = "",
): string | undefined {
  for (const name in shape) {
    const field = shape[name];
    const item = value[name];
    if (item === undefined) {
      if (field.optional) continue;
      return `Field "${path}${name}" is missing.`;
    }
    const problem = checkField(field, item, `${path}${name}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkField(field: Field, value: unknown, name: string): string | undefined {
  switch (field.kind) {
    case "string": {
      if (typeof value !== "string") return `Field "${name}" must be a string.`;
      const { min = 0, max = Infinity } = field.limits;
      if (value.length < min || value.length > max) return lengthProblem(name, min, max);
      return undefined;
    }
    case "integer": {
      if (!Number.isSafeInteger(value)) return `Field "${name}" must be an integer.`;
      const { min = -Infinity, max = Infinity } = field.limits;
      if ((value as number) < min || (value as number) > max) return rangeProblem(name, min, max);
      return undefined;
    }
    case "number":
      return Number.isFinite(value) ? undefined : `Field "${name}" must be a number.`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `Field "${name}" must be a boolean.`;
    case "true":
      return value === true ? undefined : `Field "${name}" must be true when present.`;
    case "enum":
      return typeof value === "string" && field.values.includes(value)
        ? undefined
        : `Field "${name}" must be one of ${field.values.map((v) => `"${v}"`).join(", ")}.`;
    case "nullable":
      return value === null ? undefined : checkField(field.of, value, name);
    case "array": {
      if (!Array.isArray(value)) return `Field "${name}" must be an array.`;
      for (let i = 0; i < value.length; i++) {
        const problem = checkField(field.of, value[i], `${name}[${i}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return `Field "${name}" must be an object.`;
      }
      return checkShape(field.fields, value as Record<string, unknown>, `${name}.`);
  }
}

function lengthProblem(name: string, min: number, max: number): string {
  if (max === Infinity) return `Field "${name}" must be at least ${min} characters.`;
  if (min === 0) return `Field "${name}" must be at most ${max} characters.`;
  return `Field "${name}" must be ${min} to ${max} characters.`;
}

function rangeProblem(name: string, min: number, max: number): string {
  if (max === Infinity) return `Field "${name}" must be at least ${min}.`;
  if (min === -Infinity) return `Field "${name}" must be at most ${max}.`;
  return `Field "${name}" must be between ${min} and ${max}.`;
}

// Field descriptors: the small vocabulary the catalogs (domain events, derived records) describe
// payloads with. JSON Schemas, docs and TypeScript payload types are all computed from them.

interface FieldBase {
  /** `(opt)` / `(if known)` in the spec: may be absent from the payload. */
  readonly optional?: boolean;
  /** Present but may be `null` (e.g. attribution without a community). */
  readonly nullable?: boolean;
  /** Not in the spec's KEY PAYLOAD FIELDS: added because a lifecycle needs it. Shown in docs/schemas. */
  readonly ext?: boolean;
  readonly doc?: string;
}

export type ScalarKind = 'uuid' | 'string' | 'datetime' | 'url' | 'currency' | 'bool' | 'int' | 'cents' | 'number';

export type FieldSpec =
  | (FieldBase & { readonly kind: Exclude<ScalarKind, 'int'> })
  | (FieldBase & { readonly kind: 'int'; readonly min?: number })
  | (FieldBase & { readonly kind: 'enum'; readonly values: readonly string[] })
  | (FieldBase & { readonly kind: 'array'; readonly items: FieldSpec })
  | (FieldBase & { readonly kind: 'object'; readonly fields: Readonly<Record<string, FieldSpec>> })
  /** Open object whose values are strings (e.g. variant attributes: `{ color: 'red' }`). */
  | (FieldBase & { readonly kind: 'map' });

export type FieldMap = Readonly<Record<string, FieldSpec>>;

export const uuid = (doc?: string) => ({ kind: 'uuid', doc }) as const;
export const str = (doc?: string) => ({ kind: 'string', doc }) as const;
export const datetime = (doc?: string) => ({ kind: 'datetime', doc }) as const;
export const url = (doc?: string) => ({ kind: 'url', doc }) as const;
export const currency = () => ({ kind: 'currency', doc: 'ISO-4217 code' }) as const;
export const bool = (doc?: string) => ({ kind: 'bool', doc }) as const;
export const int = (min?: number, doc?: string) => ({ kind: 'int', min, doc }) as const;
export const cents = (doc?: string) => ({ kind: 'cents', doc }) as const;
/** A non-negative decimal (ratios such as a click-through rate). */
export const decimal = (doc?: string) => ({ kind: 'number', doc }) as const;
export const oneOf = <const V extends readonly string[]>(values: V, doc?: string) =>
  ({ kind: 'enum', values, doc }) as const;
export const arrayOf = <const I extends FieldSpec>(items: I, doc?: string) => ({ kind: 'array', items, doc }) as const;
export const objectOf = <const O extends FieldMap>(fields: O, doc?: string) =>
  ({ kind: 'object', fields, doc }) as const;
export const stringMap = (doc?: string) => ({ kind: 'map', doc }) as const;
export const opt = <const F extends FieldSpec>(field: F) => ({ ...field, optional: true }) as const;
export const nullable = <const F extends FieldSpec>(field: F) => ({ ...field, nullable: true }) as const;
export const ext = <const F extends FieldSpec>(field: F) => ({ ...field, ext: true }) as const;

// ---------------------------------------------------------------------------------------------
// TypeScript types computed from descriptors

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Nullish<F, V> = F extends { nullable: true } ? V | null : V;
type TsOfKind<F> = F extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : F extends { kind: 'array'; items: infer I }
    ? TsOfKind<I>[]
    : F extends { kind: 'object'; fields: infer O }
      ? PayloadOfFields<O>
      : F extends { kind: 'map' }
        ? Record<string, string>
        : F extends { kind: 'int' | 'cents' | 'number' }
          ? number
          : F extends { kind: 'bool' }
            ? boolean
            : string;
/** The TypeScript value type of one field descriptor. */
export type TsOf<F> = Nullish<F, TsOfKind<F>>;
/** A payload object type from a field map: optional fields become `?:`, unknown keys are errors. */
export type PayloadOfFields<O> = Simplify<
  { [K in keyof O as O[K] extends { optional: true } ? never : K]: TsOf<O[K]> } & {
    [K in keyof O as O[K] extends { optional: true } ? K : never]?: TsOf<O[K]>;
  }
>;

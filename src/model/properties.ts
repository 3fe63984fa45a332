/**
 * JMS property values keep their Java type so a Java client reads back exactly what was sent
 * (getByteProperty on a byte, not an int). The tags match ActiveMQ's MarshallingSupport type codes,
 * so the OpenWire codec and the store can write them without a translation table.
 */
export const enum PropertyType {
  Null = 0,
  Boolean = 1,
  Byte = 2,
  Char = 3,
  Short = 4,
  Int = 5,
  Long = 6,
  Double = 7,
  Float = 8,
  String = 9,
  Bytes = 10,
  Map = 11,
  List = 12,
}

export type TypedValue =
  | { readonly type: PropertyType.Null; readonly value: null }
  | { readonly type: PropertyType.Boolean; readonly value: boolean }
  | { readonly type: PropertyType.Byte | PropertyType.Short | PropertyType.Int; readonly value: number }
  | { readonly type: PropertyType.Char; readonly value: string }
  | { readonly type: PropertyType.Long; readonly value: bigint }
  | { readonly type: PropertyType.Double | PropertyType.Float; readonly value: number }
  | { readonly type: PropertyType.String; readonly value: string }
  | { readonly type: PropertyType.Bytes; readonly value: Uint8Array }
  | { readonly type: PropertyType.Map; readonly value: Map<string, TypedValue> }
  | { readonly type: PropertyType.List; readonly value: TypedValue[] };

export type Properties = Map<string, TypedValue>;

export const typed = {
  null: (): TypedValue => ({ type: PropertyType.Null, value: null }),
  boolean: (value: boolean): TypedValue => ({ type: PropertyType.Boolean, value }),
  byte: (value: number): TypedValue => ({ type: PropertyType.Byte, value }),
  short: (value: number): TypedValue => ({ type: PropertyType.Short, value }),
  int: (value: number): TypedValue => ({ type: PropertyType.Int, value }),
  long: (value: bigint): TypedValue => ({ type: PropertyType.Long, value }),
  float: (value: number): TypedValue => ({ type: PropertyType.Float, value }),
  double: (value: number): TypedValue => ({ type: PropertyType.Double, value }),
  string: (value: string): TypedValue => ({ type: PropertyType.String, value }),
  char: (value: string): TypedValue => ({ type: PropertyType.Char, value }),
  bytes: (value: Uint8Array): TypedValue => ({ type: PropertyType.Bytes, value }),
};

/** The value as text, the way ActiveMQ's STOMP converter turns a property into a header. */
export function typedToString(v: TypedValue): string {
  switch (v.type) {
    case PropertyType.Null:
      return '';
    case PropertyType.Bytes:
      return Buffer.from(v.value).toString('base64');
    case PropertyType.Map:
    case PropertyType.List:
      return JSON.stringify(v.value, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    default:
      return String(v.value);
  }
}

import type { ObjectName } from './object-name.js';

/** Java types as JMX's MBeanInfo names them (what Jolokia's `list` reports and monitoring tools expect). */
export type JavaType =
  | 'java.lang.String'
  | 'long'
  | 'int'
  | 'double'
  | 'float'
  | 'boolean'
  | 'void'
  | 'javax.management.ObjectName'
  | '[Ljavax.management.ObjectName;'
  | 'java.util.Map'
  | 'java.util.List'
  | 'javax.management.openmbean.CompositeData'
  | '[Ljavax.management.openmbean.CompositeData;'
  | 'javax.management.openmbean.TabularData';

export interface AttributeInfo {
  readonly type: JavaType;
  readonly desc: string;
  get(): unknown;
}

export interface OperationInfo {
  readonly args: readonly { readonly name: string; readonly type: JavaType }[];
  readonly ret: JavaType;
  readonly desc: string;
  /** Reads only (browse, queryQueues): allowed to the `user` role; everything else needs `admin`. */
  readonly readOnly?: boolean;
  invoke(args: readonly unknown[]): unknown;
}

/**
 * One managed object, in JMX's shape: a name, typed attributes and (possibly overloaded) operations.
 * ActiveMQ's XxxView classes registered as XxxViewMBean; here a view builds one of these on demand.
 */
export interface MBean {
  readonly name: ObjectName;
  /** The MBean's class, as ActiveMQ registers it (`org.apache.activemq.broker.jmx.QueueView`). */
  readonly className: string;
  readonly description: string;
  readonly attributes: Readonly<Record<string, AttributeInfo>>;
  readonly operations: Readonly<Record<string, readonly OperationInfo[]>>;
}

/** An ObjectName-typed value, serialised by Jolokia as `{"objectName": "…"}`. */
export function objectNameValue(name: ObjectName): { objectName: string } {
  return { objectName: name.canonical };
}

/** Shorthand for attribute tables. */
export function attr(type: JavaType, desc: string, get: () => unknown): AttributeInfo {
  return { type, desc, get };
}

export function op(
  args: OperationInfo['args'],
  ret: JavaType,
  desc: string,
  invoke: (args: readonly unknown[]) => unknown,
  readOnly = false,
): OperationInfo {
  return { args, ret, desc, invoke, readOnly };
}

export const S = 'java.lang.String' as const;

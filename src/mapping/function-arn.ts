/**
 * FunctionName → function ARN, as Lambda resolves it for CreateEventSourceMapping.
 *
 * Accepted forms (Lambda's `FunctionName` pattern): `name`, `name:qualifier`, `account:function:name`,
 * and full ARNs `arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]`. Missing parts
 * come from the bridge's configured region and account. A full ARN keeps its own region and account:
 * a bridge may front functions anywhere (AWS itself requires the ESM's region; see the report).
 */
import { FUNCTION_NAME_PATTERN } from './schema.ts';

export interface ArnContext {
  readonly region: string;
  readonly accountId: string;
}

/** AWS partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The resolved ARN, or undefined when `functionName` does not match Lambda's pattern. */
export function resolveFunctionArn(functionName: string, ctx: ArnContext): string | undefined {
  const m = FUNCTION_NAME_PATTERN.exec(functionName);
  if (m === null) return undefined;
  const [, arnPrefix, partition, regionPart, , accountPart, , name, , qualifier] = m;
  if (name === undefined) return undefined;
  const region = regionPart === undefined ? ctx.region : regionPart.slice(0, -1);
  const account = accountPart === undefined ? ctx.accountId : accountPart.slice(0, -1);
  const part = arnPrefix !== undefined && partition !== undefined ? partition : partitionOf(region);
  const base = `arn:${part}:lambda:${region}:${account}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/** `arn:<partition>:lambda:<region>:<account>:event-source-mapping:<uuid>`. */
export function mappingArn(uuid: string, ctx: ArnContext): string {
  return `arn:${partitionOf(ctx.region)}:lambda:${ctx.region}:${ctx.accountId}:event-source-mapping:${uuid}`;
}

const MAPPING_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:event-source-mapping:([0-9a-fA-F-]{36})$/;

/** The UUID inside an event source mapping ARN, or undefined when it is not one. */
export function uuidOfMappingArn(arn: string): string | undefined {
  return MAPPING_ARN.exec(arn)?.[1]?.toLowerCase();
}

/**
 * TagResource / UntagResource / ListTags on an event source mapping ARN, `/2017-03-31/tags/{ARN}`
 * (the ARN URL-encoded as one path segment). Status codes follow the SDK's model: Tag and Untag 204,
 * ListTags 200 `{ "Tags": {...} }`. Only this bridge's mapping ARNs exist here; anything else is
 * ResourceNotFoundException.
 */
import { Hono } from 'hono';
import { uuidOfMappingArn } from '../../mapping/function-arn.ts';
import { checkTagKeys } from '../../mapping/rules.ts';
import { TAG_KEY_PATTERN, tagResourceSchema } from '../../mapping/schema.ts';
import type { AdminEnv, RouteDeps } from '../app.ts';
import { readJson } from '../body.ts';
import { LambdaApiError, RESOURCE_NOT_FOUND } from '../errors.ts';

export function tagRoutes(deps: RouteDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();

  /** The UUID of a mapping ARN of this bridge's account and region, whose mapping exists. */
  const resolveUuid = async (arn: string | undefined): Promise<string> => {
    const uuid = arn === undefined ? undefined : uuidOfMappingArn(arn);
    const mapping = uuid === undefined ? undefined : await deps.store.get(uuid);
    if (mapping === undefined || mapping.arn.toLowerCase() !== arn?.toLowerCase()) {
      throw new LambdaApiError('ResourceNotFoundException', RESOURCE_NOT_FOUND);
    }
    return mapping.uuid;
  };

  app.get('/:arn', async (c) => {
    const uuid = await resolveUuid(c.req.param('arn'));
    const tags = await deps.store.getTags(uuid);
    return c.json({ Tags: { ...tags } }, 200);
  });

  app.post('/:arn', async (c) => {
    const uuid = await resolveUuid(c.req.param('arn'));
    const { Tags } = await readJson(c, tagResourceSchema);
    checkTagKeys(Tags);
    await deps.store.tag(uuid, Tags);
    return c.body(null, 204);
  });

  app.delete('/:arn', async (c) => {
    const uuid = await resolveUuid(c.req.param('arn'));
    const keys = c.req.queries('tagKeys') ?? [];
    if (keys.length === 0 || keys.length > 50) {
      throw new LambdaApiError(
        'InvalidParameterValueException',
        'tagKeys must name between 1 and 50 tag keys.',
      );
    }
    if (keys.some((k) => k.length > 128 || !TAG_KEY_PATTERN.test(k))) {
      throw new LambdaApiError('InvalidParameterValueException', 'tagKeys contains an invalid tag key.');
    }
    await deps.store.untag(uuid, keys);
    return c.body(null, 204);
  });

  return app;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBridgeError } from '../../../src/errors.ts';
import {
  canStartDelete,
  runtimeMoveAllowed,
  stateAfterUpdate,
  targetState,
} from '../../../src/mapping/state.ts';
import type { Mapping, MappingState } from '../../../src/mapping/types.ts';

const base = { enabled: true, state: 'Enabled' } as Mapping;
const at = (state: MappingState, enabled = true): Mapping => ({ ...base, state, enabled });
const inUse = (err: unknown) =>
  isBridgeError(err) && err.code === 'CONFLICT' && err.context.kind === 'in-use';

describe('state machine', () => {
  it('admin update: Updating / Enabling / Disabling, in use while Creating or Deleting', () => {
    assert.equal(stateAfterUpdate(at('Enabled'), undefined), 'Updating');
    assert.equal(stateAfterUpdate(at('Enabled'), true), 'Updating');
    assert.equal(stateAfterUpdate(at('Enabled'), false), 'Disabling');
    assert.equal(stateAfterUpdate(at('Disabled', false), true), 'Enabling');
    assert.equal(stateAfterUpdate(at('Updating'), undefined), 'Updating');
    assert.throws(() => stateAfterUpdate(at('Creating'), undefined), inUse);
    assert.throws(() => stateAfterUpdate(at('Deleting'), undefined), inUse);
  });

  it('admin delete: in use while Updating, idempotent while Deleting', () => {
    assert.equal(canStartDelete(at('Enabled')), true);
    assert.equal(canStartDelete(at('Creating')), true);
    assert.equal(canStartDelete(at('Deleting')), false);
    assert.throws(() => canStartDelete(at('Updating')), inUse);
  });

  it('runtime moves', () => {
    assert.equal(runtimeMoveAllowed(at('Creating'), 'Enabling'), true);
    assert.equal(runtimeMoveAllowed(at('Enabling'), 'Enabled'), true);
    assert.equal(runtimeMoveAllowed(at('Updating'), 'Enabled'), true);
    assert.equal(runtimeMoveAllowed(at('Disabling', false), 'Disabled'), true);
    assert.equal(runtimeMoveAllowed(at('Enabled'), 'Disabled'), true);
    assert.equal(runtimeMoveAllowed(at('Updating', false), 'Enabled'), false, 'enabled flag is off');
    assert.equal(runtimeMoveAllowed(at('Deleting'), 'Enabled'), false, 'nothing leaves Deleting');
    assert.equal(runtimeMoveAllowed(at('Deleting'), 'Disabled'), false);
    assert.equal(runtimeMoveAllowed(at('Enabled'), 'Updating'), false, 'admin-only state');
    assert.equal(runtimeMoveAllowed(at('Enabled'), 'Creating'), false);
    assert.equal(runtimeMoveAllowed(at('Disabled', false), 'Disabling'), false);
  });

  it('target state', () => {
    assert.equal(targetState(at('Creating')), 'Enabled');
    assert.equal(targetState(at('Updating', false)), 'Disabled');
    assert.equal(targetState(at('Deleting')), 'removed');
  });
});

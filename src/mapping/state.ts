/**
 * The mapping state machine (lambda-esm.md §4.2). Pure.
 *
 *   admin:    create → Creating        update → Updating | Enabling | Disabling      delete → Deleting
 *   runtime:  Creating|Enabling|Updating → Enabled (if enabled) | Disabled
 *             any but Deleting → Disabling → Disabled; Enabled → Disabled (stopped on an error)
 *             Deleting → (removed through store.remove)
 *
 * ResourceInUseException only where AWS documents it: update while Creating, delete while Updating
 * (lambda-esm.md §2.7). Updating a mapping that is being deleted is refused the same way.
 */
import { BridgeError } from '../errors.ts';
import type { Mapping, MappingState } from './types.ts';

/** Thrown as a BridgeError `CONFLICT` with `context.kind === 'in-use'` (→ ResourceInUseException). */
export function inUse(message: string, state: MappingState): BridgeError {
  return new BridgeError('CONFLICT', message, { context: { kind: 'in-use', state } });
}

/** The state an admin update leaves: Enabling/Disabling when Enabled flips, else Updating. */
export function stateAfterUpdate(current: Mapping, enabled: boolean | undefined): MappingState {
  if (current.state === 'Creating' || current.state === 'Deleting') {
    throw inUse(
      `Cannot update the event source mapping because it is in use (state: ${current.state}).`,
      current.state,
    );
  }
  if (enabled === undefined || enabled === current.enabled) return 'Updating';
  return enabled ? 'Enabling' : 'Disabling';
}

/** Whether an admin delete may proceed; `false` means it is already Deleting (idempotent). */
export function canStartDelete(current: Mapping): boolean {
  if (current.state === 'Updating') {
    throw inUse('Cannot delete the event source mapping because it is being updated.', current.state);
  }
  return current.state !== 'Deleting';
}

const RUNTIME_TARGETS: ReadonlySet<MappingState> = new Set(['Enabling', 'Enabled', 'Disabling', 'Disabled']);

/**
 * Whether the runtime may move `current` to `to`. Refuses moves made on a stale read: nothing leaves
 * Deleting, and Enabling/Enabled need the user's `enabled` flag.
 */
export function runtimeMoveAllowed(current: Mapping, to: MappingState): boolean {
  if (!RUNTIME_TARGETS.has(to) || current.state === 'Deleting') return false;
  if ((to === 'Enabled' || to === 'Enabling') && !current.enabled) return false;
  if (current.state === 'Disabled' && to === 'Disabling') return false;
  return true;
}

/** The steady state the runtime should drive a mapping to, or 'removed' once it is Deleting. */
export function targetState(mapping: Mapping): 'Enabled' | 'Disabled' | 'removed' {
  if (mapping.state === 'Deleting') return 'removed';
  return mapping.enabled ? 'Enabled' : 'Disabled';
}

/**
 * Keeps this instance's runners in line with the mappings in Redis: starts, updates, restarts and
 * stops them as mappings change (pub/sub notices plus a periodic resync for missed notices), and moves
 * mapping states on: Creating/Enabling/Updating → Enabled, Disabling → Disabled, Deleting → removed.
 * Every instance reconciles every mapping; Kafka's group protocol splits the partitions between them.
 */
import type { Logger } from '../log.ts';
import type { MappingStore } from '../mapping/store.ts';
import type { Mapping } from '../mapping/types.ts';
import { connectionProblem } from './problems.ts';

export interface Runner {
  start(): Promise<void>;
  stop(drainTimeoutMs: number): Promise<void>;
  update(mapping: Mapping): void;
  /** The partition's low watermark (first offset still in the topic), through the runner's consumer. */
  lowWatermark(partition: number): Promise<number>;
}

export interface SupervisorDeps {
  store: MappingStore;
  createRunner(mapping: Mapping): Runner;
  logger: Logger;
  drainTimeoutMs: number;
  resyncIntervalMs?: number;
}

interface Running {
  runner: Runner;
  key: string;
}

/** Settings whose change needs a new consumer (a new connection or group), not just new batch rules. */
function restartKey(m: Mapping): string {
  return JSON.stringify([
    m.topic,
    m.bootstrapServers,
    m.connectionAuth,
    m.consumerGroupId,
    m.startingPosition,
  ]);
}

export class Supervisor {
  private readonly deps: SupervisorDeps;
  private readonly runners = new Map<string, Running>();
  private readonly cache = new Map<string, Mapping>();
  private readonly chains = new Map<string, Promise<void>>();
  private unwatch: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(deps: SupervisorDeps) {
    this.deps = deps;
  }

  /** The mapping as last read from the store (the processor reads function settings from here). */
  mapping(uuid: string): Mapping | undefined {
    return this.cache.get(uuid);
  }

  runnerOf(uuid: string): Runner | undefined {
    return this.runners.get(uuid)?.runner;
  }

  async start(): Promise<void> {
    this.unwatch = await this.deps.store.watch((change) => {
      if (change.kind === 'resync') void this.resync();
      else this.schedule(change.uuid);
    });
    await this.resync();
    this.timer = setInterval(() => void this.resync(), this.deps.resyncIntervalMs ?? 10_000);
    this.timer.unref();
  }

  private async resync(): Promise<void> {
    try {
      const all = await this.deps.store.all();
      const seen = new Set(all.map((m) => m.uuid));
      for (const m of all) this.schedule(m.uuid);
      for (const uuid of this.runners.keys()) if (!seen.has(uuid)) this.schedule(uuid);
    } catch (error) {
      this.deps.logger.warn('mapping resync failed', { error });
    }
  }

  /** Reconciles one mapping at a time, in order of notices. */
  private schedule(uuid: string): Promise<void> {
    const next = (this.chains.get(uuid) ?? Promise.resolve())
      .then(() => this.reconcile(uuid))
      .catch((error: unknown) => this.deps.logger.error('reconcile failed', { uuid, error }));
    this.chains.set(uuid, next);
    return next;
  }

  /** Waits until every scheduled reconciliation has run (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async reconcile(uuid: string): Promise<void> {
    if (this.stopped) return;
    const m = await this.deps.store.get(uuid);
    if (!m) {
      this.cache.delete(uuid);
      await this.stopRunner(uuid);
      return;
    }
    this.cache.set(uuid, m);
    const wantRunning =
      m.enabled && m.state !== 'Deleting' && m.state !== 'Disabling' && m.state !== 'Disabled';
    if (m.state === 'Deleting') {
      await this.stopRunner(uuid);
      await this.deps.store.remove(uuid);
      this.cache.delete(uuid);
      this.deps.logger.info('mapping deleted', { uuid });
      return;
    }
    if (!wantRunning) {
      await this.stopRunner(uuid);
      if (m.state !== 'Disabled') await this.deps.store.setState(uuid, 'Disabled', 'USER_INITIATED');
      return;
    }
    const running = this.runners.get(uuid);
    const key = restartKey(m);
    if (running && running.key !== key) await this.stopRunner(uuid);
    const current = this.runners.get(uuid);
    if (current) current.runner.update(m);
    else {
      const runner = this.deps.createRunner(m);
      this.runners.set(uuid, { runner, key });
      try {
        await runner.start();
        this.deps.logger.info('mapping running', { uuid, topic: m.topic, function: m.functionName });
      } catch (error) {
        this.runners.delete(uuid);
        await runner.stop(0).catch(() => undefined);
        this.deps.logger.error('mapping could not start', { uuid, error });
        await this.deps.store.setLastProcessingResult(uuid, connectionProblem(error as Error));
        return;
      }
    }
    if (m.state !== 'Enabled') await this.deps.store.setState(uuid, 'Enabled', 'USER_INITIATED');
  }

  private async stopRunner(uuid: string): Promise<void> {
    const running = this.runners.get(uuid);
    if (!running) return;
    this.runners.delete(uuid);
    await running.runner.stop(this.deps.drainTimeoutMs);
  }

  /** Stop reconciling; drain and stop every runner (SIGTERM). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.unwatch?.();
    await Promise.all([...this.runners.keys()].map((uuid) => this.stopRunner(uuid)));
  }
}

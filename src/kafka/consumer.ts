/**
 * The one consumer interface of the bridge. Two adapters implement it: the native raw-batch addon
 * (`native/`, default when its binary loads) and `@confluentinc/kafka-javascript`'s `consume(n)`
 * (the fallback). The core cannot tell them apart.
 *
 * Records are delivered as packed raw batches (docs/raw-batch-layout.md), one topic-partition per
 * batch, so the batcher never has to split a mixed buffer.
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

/** A packed batch of records of one topic-partition, in offset order. */
export interface RawBatch {
  topic: string;
  partition: number;
  /** Rebalance generation this batch was fetched under; results of older generations are fenced. */
  generation: number;
  /** Packed records, docs/raw-batch-layout.md. A fresh buffer per batch: the caller owns it (no copy needed). */
  data: Uint8Array;
  count: number;
  firstOffset: number;
  lastOffset: number;
}

export interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  partitions: TopicPartition[];
  generation: number;
}

export interface ConsumerListener {
  onRebalance(event: RebalanceEvent): void;
  onError(error: Error): void;
}

export interface BatchConsumer {
  readonly kind: 'native' | 'binding';
  connect(): Promise<void>;
  subscribe(topics: string[]): void;
  /** Up to maxRecords records, grouped per partition; an empty array after timeoutMs. Never blocks the event loop. */
  poll(maxRecords: number, timeoutMs: number): Promise<RawBatch[]>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** Position the next fetch of a partition at an offset; records fetched before the seek are discarded. */
  seek(target: TopicPartitionOffset): Promise<void>;
  /** Commit explicit offsets (the next offset to read, Kafka style). Never commits anything implicitly. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  committed(partitions: TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]>;
  watermarks(target: TopicPartition, timeoutMs: number): Promise<{ low: number; high: number }>;
  assignment(): TopicPartition[];
  disconnect(): Promise<void>;
}

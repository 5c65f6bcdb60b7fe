//! Plain objects crossing the N-API boundary (camelCase in JS).

use napi::bindgen_prelude::Buffer;

#[napi(object)]
#[derive(Clone, Debug)]
pub struct TopicPartitionJs {
    pub topic: String,
    pub partition: i32,
}

#[napi(object)]
#[derive(Clone, Debug)]
pub struct TopicPartitionOffsetJs {
    pub topic: String,
    pub partition: i32,
    /// Kafka style: the next offset to read. From committed(): -1 when the group has none.
    pub offset: i64,
}

#[napi(object)]
#[derive(Clone, Debug)]
pub struct RebalanceInfo {
    /// "assign" | "revoke"
    pub kind: String,
    pub partitions: Vec<TopicPartitionJs>,
    pub generation: u32,
}

/// One topic-partition's records in the raw-batch layout (docs/raw-batch-layout.md).
#[napi(object)]
pub struct PollBatch {
    pub topic: String,
    pub partition: i32,
    pub generation: u32,
    pub data: Buffer,
    pub count: u32,
    pub first_offset: i64,
    pub last_offset: i64,
}

#[napi(object)]
pub struct PollResult {
    /// Rebalances seen during this poll, in order, BEFORE any of the batches below.
    pub rebalances: Vec<RebalanceInfo>,
    pub batches: Vec<PollBatch>,
    /// Batches dropped because their partition was paused or seeked while the poll ran.
    pub dropped_records: u32,
}

#[napi(object)]
pub struct Watermarks {
    pub low: i64,
    pub high: i64,
}

/// Events pushed to the `onEvent` callback: kind "error" | "log" | "stats" |
/// "oauthbearer-token-refresh".
#[napi(object)]
#[derive(Clone, Debug)]
pub struct ConsumerEvent {
    pub kind: String,
    /// error text, log line, statistics JSON, or the sasl.oauthbearer.config string
    pub message: String,
    /// librdkafka error code (negative = local) for "error"
    pub code: Option<i32>,
    pub name: Option<String>,
    pub fatal: Option<bool>,
    /// syslog level for "log"
    pub level: Option<i32>,
    pub facility: Option<String>,
}

impl ConsumerEvent {
    pub fn new(kind: &str, message: &str) -> ConsumerEvent {
        ConsumerEvent {
            kind: kind.to_owned(),
            message: message.to_owned(),
            code: None,
            name: None,
            fatal: None,
            level: None,
            facility: None,
        }
    }
}

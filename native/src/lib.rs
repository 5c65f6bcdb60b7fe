//! kafka-lambda-bridge's native Kafka consumer: librdkafka (bundled, through rust-rdkafka) polled
//! on libuv worker threads, records handed to JS as one raw-batch Buffer per topic-partition
//! (docs/raw-batch-layout.md). No per-record JS object is ever created.
//!
//! Offsets are committed only when JS calls commit() with explicit offsets: the addon forces
//! enable.auto.commit=false and enable.auto.offset.store=false.

#[macro_use]
extern crate napi_derive;

mod admin;
mod context;
mod control;
mod pack;
mod tasks;
mod types;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use napi::bindgen_prelude::{AsyncTask, Function};
use napi::{Error, Result, Status};
use rdkafka::client::OAuthToken;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use context::{Ctx, Shared};
use tasks::{kafka_error, state_error, Job, Kc, PollTask};
use types::{ConsumerEvent, TopicPartitionJs, TopicPartitionOffsetJs, Watermarks};

/// Properties the addon sets unless the caller does (fetch.queue.backoff.ms: see
/// shared/docs/consumer-perf.md, the default 1000 ms stalls a fast consumer whenever its queue fills).
const DEFAULTS: [(&str, &str); 2] = [("fetch.queue.backoff.ms", "10"), ("enable.partition.eof", "false")];
/// Properties the addon always sets: commits are explicit, never implicit.
const FORCED: [(&str, &str); 2] = [("enable.auto.commit", "false"), ("enable.auto.offset.store", "false")];

/// Gives free memory held inside glibc's malloc arenas back to the OS (`malloc_trim(0)`); true when
/// some was released. Batch buffers are allocated and freed by the megabyte on several threads, and
/// glibc keeps freed chunks between live ones resident: under load that was 80+ MB of the bridge's RSS
/// (measured with malloc_stats). A no-op returning false where the C library is not glibc.
#[napi]
pub fn trim_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim takes no pointers and is thread-safe (it locks each arena).
        unsafe { malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[napi]
pub struct NativeConsumer {
    consumer: Mutex<Option<Arc<Kc>>>,
    shared: Arc<Shared>,
    subscribed: std::sync::atomic::AtomicBool,
}

#[napi]
impl NativeConsumer {
    /// `config`: librdkafka properties (group.id required). `onEvent` receives error, log, stats and
    /// oauthbearer-token-refresh events; it does not keep the process alive.
    #[napi(constructor)]
    pub fn new(config: HashMap<String, String>, on_event: Function<'_, ConsumerEvent, ()>) -> Result<Self> {
        if !config.contains_key("group.id") {
            return Err(Error::new(Status::InvalidArg, "rdkafka:-186:InvalidArgument: group.id is required"));
        }
        let events = on_event.build_threadsafe_function().callee_handled::<false>().weak::<true>().max_queue_size::<4096>().build()?;
        let shared = Arc::new(Shared::new(events));
        let mut cc = ClientConfig::new();
        for (k, v) in DEFAULTS {
            cc.set(k, v);
        }
        for (k, v) in &config {
            cc.set(k, v);
        }
        for (k, v) in FORCED {
            cc.set(k, v);
        }
        cc.set_log_level(if config.contains_key("debug") { RDKafkaLogLevel::Debug } else { RDKafkaLogLevel::Info });
        let consumer: Kc = cc.create_with_context(Ctx { shared: shared.clone() }).map_err(|e| kafka_error(&e))?;
        Ok(NativeConsumer { consumer: Mutex::new(Some(Arc::new(consumer))), shared, subscribed: false.into() })
    }

    fn live(&self) -> Result<Arc<Kc>> {
        self.consumer.lock().unwrap().clone().ok_or_else(|| state_error("consumer is closed".to_owned()))
    }

    /// Resolves once a broker answered a metadata request; rejects with librdkafka's own last error
    /// (e.g. -169 Authentication) when none did within `timeoutMs`.
    #[napi]
    pub fn connect(&self, timeout_ms: u32) -> Result<AsyncTask<Job<()>>> {
        let c = self.live()?;
        let shared = self.shared.clone();
        // Serving the queue before subscribe() cannot swallow records; afterwards poll() serves it.
        let serve = !self.subscribed.load(Ordering::SeqCst) && !shared.polling.swap(true, Ordering::SeqCst);
        Ok(AsyncTask::new(Job::new(move || {
            let result = connect_blocking(&c, &shared, serve, Duration::from_millis(timeout_ms.into()));
            if serve {
                shared.polling.store(false, Ordering::SeqCst);
            }
            result
        })))
    }

    #[napi]
    pub fn subscribe(&self, topics: Vec<String>) -> Result<()> {
        let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
        self.live()?.subscribe(&refs).map_err(|e| kafka_error(&e))?;
        self.subscribed.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Up to `maxRecords` records grouped one batch per topic-partition, plus the rebalances seen.
    /// One poll at a time; keep calling it while partitions are paused (heartbeats, rebalances).
    #[napi]
    pub fn poll(&self, max_records: u32, timeout_ms: u32) -> Result<AsyncTask<PollTask>> {
        let consumer = self.live()?;
        if self.shared.polling.swap(true, Ordering::SeqCst) {
            return Err(state_error("a poll is already in flight".to_owned()));
        }
        let poll_start = self.shared.control.lock().unwrap().current();
        Ok(AsyncTask::new(PollTask {
            consumer,
            shared: self.shared.clone(),
            max_records: max_records.max(1),
            timeout: Duration::from_millis(timeout_ms.into()),
            poll_start,
        }))
    }

    /// Stops delivery of these partitions at once: records already fetched are discarded (see
    /// control.rs), and fetching resumes at the first undelivered offset on resume().
    #[napi]
    pub fn pause(&self, partitions: Vec<TopicPartitionJs>) -> Result<()> {
        let c = self.live()?;
        let mut control = self.shared.control.lock().unwrap();
        for p in &partitions {
            control.pause(&p.topic, p.partition);
        }
        c.pause(&tpl(&partitions)).map_err(|e| kafka_error(&e))
    }

    #[napi]
    pub fn resume(&self, partitions: Vec<TopicPartitionJs>) -> Result<()> {
        let c = self.live()?;
        let mut control = self.shared.control.lock().unwrap();
        let seeks: Vec<(String, i32, Option<i64>)> =
            partitions.iter().map(|p| (p.topic.clone(), p.partition, control.resume(&p.topic, p.partition))).collect();
        c.resume(&tpl(&partitions)).map_err(|e| kafka_error(&e))?;
        for (topic, partition, next) in seeks {
            if let Some(offset) = next {
                c.seek(&topic, partition, Offset::Offset(offset), Duration::ZERO).map_err(|e| kafka_error(&e))?;
            }
        }
        Ok(())
    }

    /// The next record delivered for this partition will be the one at `offset` (or the first after
    /// it). Records fetched before the seek are never delivered. On a paused partition the seek is
    /// applied by resume().
    #[napi]
    pub fn seek(&self, topic: String, partition: i32, offset: i64) -> Result<()> {
        let c = self.live()?;
        if !self.shared.owns(&topic, partition) {
            return Err(state_error(format!("{topic}[{partition}] is not assigned to this consumer")));
        }
        let mut control = self.shared.control.lock().unwrap();
        if control.seek(&topic, partition, offset) {
            c.seek(&topic, partition, Offset::Offset(offset), Duration::ZERO).map_err(|e| kafka_error(&e))?;
        }
        Ok(())
    }

    /// Commits exactly these offsets (next offset to read) and resolves when the coordinator
    /// acknowledged. A partition this consumer does not own rejects with code -172 (State): ownership
    /// was lost and the new owner will re-read from the last commit.
    #[napi]
    pub fn commit(&self, offsets: Vec<TopicPartitionOffsetJs>) -> Result<AsyncTask<Job<()>>> {
        let c = self.live()?;
        for o in &offsets {
            if !self.shared.owns(&o.topic, o.partition) {
                return Err(state_error(format!("{}[{}] is not assigned to this consumer", o.topic, o.partition)));
            }
        }
        let mut list = TopicPartitionList::with_capacity(offsets.len());
        for o in &offsets {
            list.add_partition_offset(&o.topic, o.partition, Offset::Offset(o.offset)).map_err(|e| kafka_error(&e))?;
        }
        Ok(AsyncTask::new(Job::new(move || {
            if list.count() == 0 {
                return Ok(());
            }
            c.commit(&list, CommitMode::Sync).map_err(|e| kafka_error(&e))
        })))
    }

    /// The group's committed offsets; -1 for a partition without one.
    #[napi]
    pub fn committed(
        &self,
        partitions: Vec<TopicPartitionJs>,
        timeout_ms: u32,
    ) -> Result<AsyncTask<Job<Vec<TopicPartitionOffsetJs>>>> {
        let c = self.live()?;
        let list = tpl(&partitions);
        Ok(AsyncTask::new(Job::new(move || {
            let got = c.committed_offsets(list, Duration::from_millis(timeout_ms.into())).map_err(|e| kafka_error(&e))?;
            Ok(got
                .elements()
                .iter()
                .map(|e| TopicPartitionOffsetJs {
                    topic: e.topic().to_owned(),
                    partition: e.partition(),
                    offset: match e.offset() {
                        Offset::Offset(n) => n,
                        _ => -1,
                    },
                })
                .collect())
        })))
    }

    #[napi]
    pub fn watermarks(&self, topic: String, partition: i32, timeout_ms: u32) -> Result<AsyncTask<Job<Watermarks>>> {
        let c = self.live()?;
        Ok(AsyncTask::new(Job::new(move || {
            let (low, high) = c
                .fetch_watermarks(&topic, partition, Duration::from_millis(timeout_ms.into()))
                .map_err(|e| kafka_error(&e))?;
            Ok(Watermarks { low, high })
        })))
    }

    /// The partitions assigned by the last rebalance this consumer has seen (no broker round trip).
    #[napi]
    pub fn assignment(&self) -> Vec<TopicPartitionJs> {
        let mut out: Vec<TopicPartitionJs> = self
            .shared
            .assignment
            .lock()
            .unwrap()
            .iter()
            .map(|(topic, partition)| TopicPartitionJs { topic: topic.clone(), partition: *partition })
            .collect();
        out.sort_by(|a, b| a.topic.cmp(&b.topic).then(a.partition.cmp(&b.partition)));
        out
    }

    #[napi]
    pub fn generation(&self) -> u32 {
        self.shared.generation.load(Ordering::SeqCst)
    }

    /// Events the addon could not queue to onEvent because JS was too far behind.
    #[napi]
    pub fn dropped_events(&self) -> f64 {
        self.shared.dropped_events.load(Ordering::Relaxed) as f64
    }

    /// Answer to an oauthbearer-token-refresh event. `expiresAtMs`: epoch ms when the token expires.
    #[napi]
    pub fn set_oauth_token(&self, token: String, expires_at_ms: f64, principal: String) -> bool {
        let tx = self.shared.oauth.lock().unwrap().take();
        let t = OAuthToken { token, principal_name: principal, lifetime_ms: expires_at_ms as i64 };
        tx.is_some_and(|tx| tx.send(Ok(t)).is_ok())
    }

    #[napi]
    pub fn set_oauth_token_failure(&self, message: String) -> bool {
        let tx = self.shared.oauth.lock().unwrap().take();
        tx.is_some_and(|tx| tx.send(Err(message)).is_ok())
    }

    /// Leaves the group and destroys the client off the JS thread. Idempotent. Await any poll in
    /// flight first: the client is destroyed when its last user lets go.
    #[napi]
    pub fn close(&self) -> AsyncTask<Job<()>> {
        let taken = self.consumer.lock().unwrap().take();
        let shared = self.shared.clone();
        AsyncTask::new(Job::new(move || {
            drop(taken);
            // Release the event callback only now: closing still reports errors and logs.
            shared.events.lock().unwrap().take();
            Ok(())
        }))
    }
}

/// A consumer collected without close(): closing it waits for the group coordinator, so do it on a
/// thread of its own rather than in the JS thread's finalizer.
impl Drop for NativeConsumer {
    fn drop(&mut self) {
        let taken = self.consumer.lock().map(|mut g| g.take()).unwrap_or(None);
        if let Some(c) = taken {
            let shared = self.shared.clone();
            let _ = std::thread::Builder::new().name("klb-consumer-drop".into()).spawn(move || {
                drop(c);
                shared.events.lock().unwrap().take();
            });
        }
    }
}

fn tpl(partitions: &[TopicPartitionJs]) -> TopicPartitionList {
    let mut list = TopicPartitionList::with_capacity(partitions.len());
    for p in partitions {
        list.add_partition(&p.topic, p.partition);
    }
    list
}

fn is_auth(code: i32) -> bool {
    // -169 _AUTHENTICATION, 58 SASL_AUTHENTICATION_FAILED, -181 _SSL
    matches!(code, -169 | 58 | -181)
}

fn connect_blocking(c: &Kc, shared: &Shared, serve: bool, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut last: Option<KafkaError> = None;
    loop {
        if serve {
            // Error events (auth failures among them) are only served by polling the queue.
            for _ in 0..1000 {
                match c.poll(Duration::ZERO) {
                    None => break,
                    Some(Err(e)) => {
                        let code = e.rdkafka_error_code().map(|c| c as i32).unwrap_or(0);
                        if is_auth(code) {
                            return Err(last_error_or(shared, &e));
                        }
                    }
                    Some(Ok(_)) => {}
                }
            }
        }
        if let Some((code, _)) = *shared.last_error.lock().unwrap() {
            if is_auth(code) {
                return Err(last_error_or(shared, &KafkaError::Global(rdkafka::types::RDKafkaErrorCode::Authentication)));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let e = last.unwrap_or(KafkaError::MetadataFetch(rdkafka::types::RDKafkaErrorCode::OperationTimedOut));
            return Err(last_error_or(shared, &e));
        }
        match c.fetch_metadata(None, left.min(Duration::from_millis(250))) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
}

/// librdkafka's own last error explains a failed connect better than the metadata timeout does.
fn last_error_or(shared: &Shared, fallback: &KafkaError) -> Error {
    match shared.last_error.lock().unwrap().clone() {
        Some((code, reason)) => Error::new(Status::GenericFailure, format!("rdkafka:{code}:LastError: {reason}")),
        None => kafka_error(fallback),
    }
}

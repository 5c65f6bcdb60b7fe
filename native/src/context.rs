//! librdkafka callbacks → state shared with the JS-facing class.
//!
//! Every callback here runs on the thread that polls the consumer queue (a libuv worker, never the
//! JS thread), because the BaseConsumer redirects librdkafka's main queue to the consumer queue.
//! Rebalances are recorded in `Shared::rebalances` and returned with the poll that saw them, so JS
//! learns about a new generation strictly before it sees a batch of that generation. Errors, logs,
//! statistics and OAUTHBEARER token requests go to JS through a weak ThreadsafeFunction that never
//! blocks librdkafka (events are dropped if JS is 4096 events behind).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;
use std::time::Duration;

use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use rdkafka::client::{ClientContext, OAuthToken};
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaError;
use rdkafka::TopicPartitionList;

use crate::control::Control;
use crate::types::{ConsumerEvent, RebalanceInfo, TopicPartitionJs};

pub type EventFn = ThreadsafeFunction<ConsumerEvent, (), ConsumerEvent, Status, false, true, 4096>;

/// How long a token refresh waits for JS's provider before librdkafka is told it failed.
const OAUTH_WAIT: Duration = Duration::from_secs(30);

pub struct Shared {
    pub generation: AtomicU32,
    pub assignment: Mutex<HashSet<(String, i32)>>,
    pub control: Mutex<Control>,
    pub rebalances: Mutex<Vec<RebalanceInfo>>,
    /// Set by a rebalance so the poll loop returns at once with what it has.
    pub rebalanced: AtomicBool,
    pub polling: AtomicBool,
    pub events: Mutex<Option<EventFn>>,
    pub dropped_events: AtomicU64,
    pub oauth: Mutex<Option<SyncSender<Result<OAuthToken, String>>>>,
    /// Last error librdkafka reported, used to explain a failed connect (auth vs network).
    pub last_error: Mutex<Option<(i32, String)>>,
}

impl Shared {
    pub fn new(events: EventFn) -> Shared {
        Shared {
            generation: AtomicU32::new(0),
            assignment: Mutex::new(HashSet::new()),
            control: Mutex::new(Control::default()),
            rebalances: Mutex::new(Vec::new()),
            rebalanced: AtomicBool::new(false),
            polling: AtomicBool::new(false),
            events: Mutex::new(Some(events)),
            dropped_events: AtomicU64::new(0),
            oauth: Mutex::new(None),
            last_error: Mutex::new(None),
        }
    }

    pub fn emit(&self, event: ConsumerEvent) {
        let guard = self.events.lock().unwrap();
        if let Some(f) = guard.as_ref() {
            if f.call(event, ThreadsafeFunctionCallMode::NonBlocking) != Status::Ok {
                self.dropped_events.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn owns(&self, topic: &str, partition: i32) -> bool {
        self.assignment.lock().unwrap().contains(&(topic.to_owned(), partition))
    }
}

pub struct Ctx {
    pub shared: std::sync::Arc<Shared>,
}

fn partitions(tpl: &TopicPartitionList) -> Vec<TopicPartitionJs> {
    tpl.elements().iter().map(|e| TopicPartitionJs { topic: e.topic().to_owned(), partition: e.partition() }).collect()
}

impl Ctx {
    fn record(&self, kind: &str, tpl: &TopicPartitionList) {
        let generation = self.shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let parts = partitions(tpl);
        {
            let mut control = self.shared.control.lock().unwrap();
            for p in &parts {
                control.reset(&p.topic, p.partition);
            }
        }
        {
            let mut owned = self.shared.assignment.lock().unwrap();
            for p in &parts {
                if kind == "assign" {
                    owned.insert((p.topic.clone(), p.partition));
                } else {
                    owned.remove(&(p.topic.clone(), p.partition));
                }
            }
        }
        self.shared.rebalances.lock().unwrap().push(RebalanceInfo { kind: kind.to_owned(), partitions: parts, generation });
        self.shared.rebalanced.store(true, Ordering::SeqCst);
    }
}

impl ClientContext for Ctx {
    const ENABLE_REFRESH_OAUTH_TOKEN: bool = true;

    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        let mut e = ConsumerEvent::new("log", message);
        e.level = Some(level as i32);
        e.facility = Some(fac.to_owned());
        self.shared.emit(e);
    }

    fn stats_raw(&self, statistics: &[u8]) {
        self.shared.emit(ConsumerEvent::new("stats", &String::from_utf8_lossy(statistics)));
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let code = error.rdkafka_error_code().map(|c| c as i32).unwrap_or(-1);
        *self.shared.last_error.lock().unwrap() = Some((code, reason.to_owned()));
        let mut e = ConsumerEvent::new("error", reason);
        e.code = Some(code);
        e.name = error.rdkafka_error_code().map(|c| format!("{c:?}"));
        e.fatal = Some(matches!(error.rdkafka_error_code(), Some(rdkafka::types::RDKafkaErrorCode::Fatal)));
        self.shared.emit(e);
    }

    /// Asks JS's token provider and waits for `setOauthToken`/`setOauthTokenFailure`. Runs on the
    /// polling worker thread, so the JS thread is free to answer.
    fn generate_oauth_token(&self, config: Option<&str>) -> Result<OAuthToken, Box<dyn std::error::Error>> {
        let (tx, rx) = sync_channel(1);
        *self.shared.oauth.lock().unwrap() = Some(tx);
        self.shared.emit(ConsumerEvent::new("oauthbearer-token-refresh", config.unwrap_or("")));
        match rx.recv_timeout(OAUTH_WAIT) {
            Ok(Ok(token)) => Ok(token),
            Ok(Err(message)) => Err(message.into()),
            Err(_) => Err("no OAUTHBEARER token from the JS provider within 30 s".into()),
        }
    }
}

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(tpl) => {
                // Partitions JS paused stay paused inside librdkafka across unassign/assign; undo it
                // so that a later assignment of the same partition starts flowing, as JS expects.
                let mut paused = TopicPartitionList::new();
                {
                    let control = self.shared.control.lock().unwrap();
                    for e in tpl.elements() {
                        if control.is_paused(e.topic(), e.partition()) {
                            paused.add_partition(e.topic(), e.partition());
                        }
                    }
                }
                if paused.count() > 0 {
                    let _ = consumer.resume(&paused);
                }
                self.record("revoke", tpl);
            }
            Rebalance::Error(err) => {
                let mut e = ConsumerEvent::new("error", &format!("rebalance failed: {err}"));
                e.code = err.rdkafka_error_code().map(|c| c as i32);
                self.shared.emit(e);
            }
            Rebalance::Assign(_) => {}
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = rebalance {
            self.record("assign", tpl);
        }
    }
}

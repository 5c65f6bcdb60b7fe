//! Work that blocks (librdkafka round trips, the poll loop) runs here on libuv worker threads, so
//! the JS thread never waits on the network.

use std::ffi::{c_char, c_void, CStr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use napi::bindgen_prelude::{Buffer, ToNapiValue, TypeName};
use napi::{Env, Error, Result, Status, Task};
use rdkafka::bindings as rd;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, Timestamp};

use crate::context::{Ctx, Shared};
use crate::control::Verdict;
use crate::pack::{BatchBuilder, BatchInfo, TS_CREATE, TS_LOG_APPEND, TS_NONE};
use crate::types::{PollBatch, PollResult, RebalanceInfo};

pub type Kc = BaseConsumer<Ctx>;

/// Errors reach JS as `rdkafka:<code>:<Name>: <text>`; the TS adapter maps the numeric librdkafka
/// code (negative = local) to a BridgeError code.
pub fn kafka_error(e: &KafkaError) -> Error {
    let code = e.rdkafka_error_code();
    let n = code.map(|c| c as i32).unwrap_or(-1);
    let name = code.map(|c| format!("{c:?}")).unwrap_or_else(|| "Unknown".to_owned());
    Error::new(Status::GenericFailure, format!("rdkafka:{n}:{name}: {e}"))
}

pub fn state_error(text: String) -> Error {
    Error::new(Status::GenericFailure, format!("rdkafka:-172:State: {text}"))
}

/// A blocking closure run off the JS thread; its result is the promise's value.
pub struct Job<T: Send + 'static> {
    run: Option<Box<dyn FnOnce() -> Result<T> + Send>>,
}

impl<T: Send + 'static> Job<T> {
    pub fn new(f: impl FnOnce() -> Result<T> + Send + 'static) -> Job<T> {
        Job { run: Some(Box::new(f)) }
    }
}

impl<T: Send + ToNapiValue + TypeName + 'static> Task for Job<T> {
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> Result<T> {
        match self.run.take() {
            Some(f) => f(),
            None => Err(Error::new(Status::GenericFailure, "job ran twice")),
        }
    }

    fn resolve(&mut self, _env: Env, output: T) -> Result<T> {
        Ok(output)
    }
}

pub struct PollOutput {
    batches: Vec<(BatchInfo, Vec<u8>)>,
    rebalances: Vec<RebalanceInfo>,
}

pub struct PollTask {
    pub consumer: Arc<Kc>,
    pub shared: Arc<Shared>,
    pub max_records: u32,
    pub timeout: Duration,
    /// Control op counter when JS called poll(); see control.rs.
    pub poll_start: u64,
}

impl Task for PollTask {
    type Output = PollOutput;
    type JsValue = PollResult;

    /// Waits up to `timeout` for a first record, then takes what librdkafka already has queued, up
    /// to `max_records`. Returns early at a rebalance, dropping the records of revoked partitions.
    fn compute(&mut self) -> Result<PollOutput> {
        let deadline = Instant::now() + self.timeout;
        let mut builders: Vec<BatchBuilder> = Vec::new();
        let mut total = 0u32;
        let mut last = usize::MAX;
        while total < self.max_records {
            let wait = if total > 0 { Duration::ZERO } else { deadline.saturating_duration_since(Instant::now()) };
            match self.consumer.poll(wait) {
                Some(Ok(m)) => {
                    let (topic, partition) = (m.topic(), m.partition());
                    let hit = builders.get(last).is_some_and(|b| b.partition == partition && b.topic == topic);
                    if !hit {
                        last = match builders.iter().position(|b| b.partition == partition && b.topic == topic) {
                            Some(i) => i,
                            None => {
                                let generation = self.shared.generation.load(Ordering::SeqCst);
                                builders.push(BatchBuilder::new(topic, partition, generation, 256 * 1024));
                                builders.len() - 1
                            }
                        };
                    }
                    pack_message(&mut builders[last], &m);
                    total += 1;
                }
                Some(Err(KafkaError::PartitionEOF(_))) => {}
                // Fatal: the consumer cannot continue (e.g. fenced static member); non-fatal errors
                // were already passed to JS as "error" events by ClientContext::error.
                Some(Err(e @ KafkaError::MessageConsumptionFatal(_))) => return Err(kafka_error(&e)),
                Some(Err(_)) => {}
                None => {
                    if total > 0 || Instant::now() >= deadline {
                        break;
                    }
                }
            }
            if self.shared.rebalanced.swap(false, Ordering::SeqCst) {
                builders.retain(|b| self.shared.owns(&b.topic, b.partition));
                break;
            }
        }
        let rebalances = std::mem::take(&mut *self.shared.rebalances.lock().unwrap());
        Ok(PollOutput { batches: builders.into_iter().map(BatchBuilder::finish).collect(), rebalances })
    }

    /// Runs on the JS thread, so no pause()/seek() can interleave with the verdicts below.
    fn resolve(&mut self, _env: Env, out: PollOutput) -> Result<PollResult> {
        let mut control = self.shared.control.lock().unwrap();
        let mut batches = Vec::with_capacity(out.batches.len());
        let mut dropped_records = 0u32;
        for (info, buf) in out.batches {
            match control.judge(&info.topic, info.partition, info.first_offset, self.poll_start) {
                Verdict::Deliver => batches.push(PollBatch {
                    topic: info.topic,
                    partition: info.partition,
                    generation: info.generation,
                    data: Buffer::from(buf),
                    count: info.count,
                    first_offset: info.first_offset,
                    last_offset: info.last_offset,
                }),
                Verdict::Drop { seek_to } => {
                    dropped_records += info.count;
                    if let Some(offset) = seek_to {
                        // Timeout 0: librdkafka seeks asynchronously but sets its version barrier now.
                        let _ = self.consumer.seek(&info.topic, info.partition, Offset::Offset(offset), Duration::ZERO);
                    }
                }
            }
        }
        Ok(PollResult { rebalances: out.rebalances, batches, dropped_records })
    }

    fn finally(self, _env: Env) -> Result<()> {
        self.shared.polling.store(false, Ordering::SeqCst);
        Ok(())
    }
}

fn pack_message(b: &mut BatchBuilder, m: &BorrowedMessage<'_>) {
    let (ts_type, ts) = match m.timestamp() {
        Timestamp::NotAvailable => (TS_NONE, -1),
        Timestamp::CreateTime(t) => (TS_CREATE, t),
        Timestamp::LogAppendTime(t) => (TS_LOG_APPEND, t),
    };
    // Headers are read through the C API: rust-rdkafka's iterator insists on UTF-8 names, while the
    // layout wants invalid names replaced, not a panic.
    let mut hdrs: *mut rd::rd_kafka_headers_t = std::ptr::null_mut();
    let n = unsafe {
        if rd::rd_kafka_message_headers(m.ptr(), &mut hdrs) == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            rd::rd_kafka_header_cnt(hdrs)
        } else {
            0
        }
    };
    let headers = (0..n).map(|i| unsafe {
        let mut name: *const c_char = std::ptr::null();
        let mut val: *const c_void = std::ptr::null();
        let mut size: usize = 0;
        rd::rd_kafka_header_get_all(hdrs, i, &mut name, &mut val, &mut size);
        let name: &[u8] = if name.is_null() { b"" } else { CStr::from_ptr(name).to_bytes() };
        let val = if val.is_null() { None } else { Some(std::slice::from_raw_parts(val as *const u8, size)) };
        (name, val)
    });
    b.push(ts_type, m.offset(), ts, m.key(), m.payload(), headers);
}

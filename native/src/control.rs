//! What JavaScript asked of each partition (pause, resume, seek), kept so that records fetched
//! before a pause or seek are never delivered after it.
//!
//! The hazard: a poll runs on a worker thread while JS (on the main thread) pauses or seeks a
//! partition. librdkafka drops its own prefetched records on pause/seek (a version barrier), but
//! records the worker has ALREADY taken out of librdkafka are past that barrier, and librdkafka's
//! application position has moved beyond them. So, when a poll resolves on the JS thread:
//!
//!   * a batch of a partition that is paused now, or that was paused/resumed/seeked after the poll
//!     started (`epoch > poll_start`), is dropped, never delivered;
//!   * the partition's next offset is then known to the addon, not to librdkafka: `next` is the
//!     last seek target if JS seeked since the last delivery, else the first dropped offset;
//!   * that position is applied with a librdkafka seek right away when the partition is flowing,
//!     or on resume() when it is paused (librdkafka's resume would continue after the dropped ones).
//!
//! `next` is cleared only when a batch of the partition is delivered: every delivered batch comes
//! from a poll that started after the last seek, so from then on librdkafka's position is right.

use std::collections::HashMap;

#[derive(Default, Clone, Debug, PartialEq)]
pub struct PartitionControl {
    pub paused: bool,
    /// Value of the global op counter at the last pause/resume/seek/rebalance of this partition.
    pub epoch: u64,
    /// Offset the next delivered record must have, when librdkafka may disagree.
    pub next: Option<i64>,
}

#[derive(Default)]
pub struct Control {
    ops: u64,
    parts: HashMap<(String, i32), PartitionControl>,
}

/// What resolve() must do with a polled batch.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Deliver,
    /// Drop it; when `seek_to` is set, seek librdkafka there now (the partition is flowing).
    Drop { seek_to: Option<i64> },
}

impl Control {
    /// The op counter a poll records when it starts.
    pub fn current(&self) -> u64 {
        self.ops
    }

    fn touch(&mut self, topic: &str, partition: i32) -> &mut PartitionControl {
        self.ops += 1;
        let ops = self.ops;
        let e = self.parts.entry((topic.to_owned(), partition)).or_default();
        e.epoch = ops;
        e
    }

    pub fn pause(&mut self, topic: &str, partition: i32) {
        self.touch(topic, partition).paused = true;
    }

    /// Returns the offset to seek to after librdkafka's resume, if the addon knows better.
    pub fn resume(&mut self, topic: &str, partition: i32) -> Option<i64> {
        let e = self.touch(topic, partition);
        e.paused = false;
        e.next
    }

    /// Returns true when librdkafka should seek now; false when the partition is paused and the
    /// seek waits for resume().
    pub fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> bool {
        let e = self.touch(topic, partition);
        e.next = Some(offset);
        !e.paused
    }

    pub fn is_paused(&self, topic: &str, partition: i32) -> bool {
        self.parts.get(&(topic.to_owned(), partition)).is_some_and(|e| e.paused)
    }

    /// A rebalance assigned or revoked the partition: JS's earlier intent no longer applies.
    pub fn reset(&mut self, topic: &str, partition: i32) {
        self.ops += 1;
        self.parts.remove(&(topic.to_owned(), partition));
    }

    pub fn judge(&mut self, topic: &str, partition: i32, first_offset: i64, poll_start: u64) -> Verdict {
        let Some(e) = self.parts.get_mut(&(topic.to_owned(), partition)) else {
            return Verdict::Deliver;
        };
        if !e.paused && e.epoch <= poll_start {
            e.next = None;
            return Verdict::Deliver;
        }
        let next = *e.next.get_or_insert(first_offset);
        Verdict::Drop { seek_to: if e.paused { None } else { Some(next) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_partitions_deliver() {
        let mut c = Control::default();
        assert_eq!(c.judge("t", 0, 5, c.current()), Verdict::Deliver);
    }

    #[test]
    fn pause_during_poll_drops_and_resume_rewinds_to_first_dropped() {
        let mut c = Control::default();
        let start = c.current();
        c.pause("t", 0);
        assert_eq!(c.judge("t", 0, 10, start), Verdict::Drop { seek_to: None });
        assert_eq!(c.resume("t", 0), Some(10));
        // a later poll that started after the resume delivers and clears the hint
        let start = c.current();
        assert_eq!(c.judge("t", 0, 10, start), Verdict::Deliver);
        assert_eq!(c.resume("t", 0), None);
    }

    #[test]
    fn seek_during_poll_drops_and_reseeks_to_target() {
        let mut c = Control::default();
        let start = c.current();
        assert!(c.seek("t", 1, 3));
        assert_eq!(c.judge("t", 1, 50, start), Verdict::Drop { seek_to: Some(3) });
        // a second stale batch still goes back to the seek target, not to its own first offset
        assert_eq!(c.judge("t", 1, 60, start), Verdict::Drop { seek_to: Some(3) });
    }

    #[test]
    fn seek_while_paused_waits_for_resume() {
        let mut c = Control::default();
        c.pause("t", 2);
        assert!(!c.seek("t", 2, 7));
        assert_eq!(c.resume("t", 2), Some(7));
    }

    #[test]
    fn reset_forgets_intent() {
        let mut c = Control::default();
        c.pause("t", 0);
        c.reset("t", 0);
        assert!(!c.is_paused("t", 0));
        assert_eq!(c.judge("t", 0, 1, c.current()), Verdict::Deliver);
    }
}

//! Writer of the raw-batch layout, version 1 (docs/raw-batch-layout.md): the seam the WASM encoder
//! reads. One `BatchBuilder` holds the records of ONE topic-partition, so its topic table has one
//! entry and every record's topicIndex is 0. Integers are little-endian; header and record counts
//! and the total length are patched in by `finish()`.

pub const MAGIC: [u8; 4] = *b"KLB1";
pub const VERSION: u16 = 1;
const HEADER_LEN: usize = 20;

/// Timestamp types as the layout numbers them (same numbers as librdkafka's).
pub const TS_NONE: u8 = 0;
pub const TS_CREATE: u8 = 1;
pub const TS_LOG_APPEND: u8 = 2;

pub struct BatchBuilder {
    pub topic: String,
    pub partition: i32,
    pub generation: u32,
    pub count: u32,
    pub first_offset: i64,
    pub last_offset: i64,
    buf: Vec<u8>,
}

impl BatchBuilder {
    pub fn new(topic: &str, partition: i32, generation: u32, capacity: usize) -> BatchBuilder {
        let name = topic.as_bytes();
        let mut buf = Vec::with_capacity(capacity.max(HEADER_LEN + 2 + name.len()));
        buf.extend_from_slice(&MAGIC);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes()); // flags
        buf.extend_from_slice(&0u32.to_le_bytes()); // recordCount, patched by finish()
        buf.extend_from_slice(&1u32.to_le_bytes()); // topicCount
        buf.extend_from_slice(&0u32.to_le_bytes()); // byteLength, patched by finish()
        // Kafka topic names are at most 249 bytes, so the u16 cannot overflow.
        buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
        buf.extend_from_slice(name);
        BatchBuilder { topic: topic.to_owned(), partition, generation, count: 0, first_offset: -1, last_offset: -1, buf }
    }

    /// Appends one record. `headers` yields (name bytes, value); names that are not UTF-8 are
    /// written with U+FFFD replacements, as the layout promises its readers.
    pub fn push<'a, I>(
        &mut self,
        ts_type: u8,
        offset: i64,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: I,
    ) where
        I: ExactSizeIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    {
        let b = &mut self.buf;
        b.extend_from_slice(&0u16.to_le_bytes()); // topicIndex
        b.push(ts_type);
        b.push(0); // reserved
        b.extend_from_slice(&self.partition.to_le_bytes());
        b.extend_from_slice(&offset.to_le_bytes());
        b.extend_from_slice(&timestamp.to_le_bytes());
        put_bytes(b, key);
        put_bytes(b, value);
        let count_at = b.len();
        b.extend_from_slice(&(headers.len().min(u16::MAX as usize) as u16).to_le_bytes());
        let mut written: u16 = 0;
        for (name, val) in headers {
            if written == u16::MAX {
                break; // more than 65535 headers cannot be represented; Kafka never sends that many
            }
            let name = String::from_utf8_lossy(name);
            let nb = name.as_bytes();
            let nlen = nb.len().min(u16::MAX as usize);
            b.extend_from_slice(&(nlen as u16).to_le_bytes());
            b.extend_from_slice(&nb[..nlen]);
            put_bytes(b, val);
            written += 1;
        }
        b[count_at..count_at + 2].copy_from_slice(&written.to_le_bytes());
        if self.count == 0 {
            self.first_offset = offset;
        }
        self.last_offset = offset;
        self.count += 1;
    }

    /// Patches recordCount and byteLength and hands the buffer over.
    pub fn finish(mut self) -> (BatchInfo, Vec<u8>) {
        // The buffer grew by doubling; JS holds the whole allocation until it frees the batch, so give
        // back the unused tail (an in-place realloc, no copy).
        self.buf.shrink_to_fit();
        let len = self.buf.len() as u32;
        self.buf[8..12].copy_from_slice(&self.count.to_le_bytes());
        self.buf[16..20].copy_from_slice(&len.to_le_bytes());
        let info = BatchInfo {
            topic: self.topic,
            partition: self.partition,
            generation: self.generation,
            count: self.count,
            first_offset: self.first_offset,
            last_offset: self.last_offset,
        };
        (info, self.buf)
    }
}

pub struct BatchInfo {
    pub topic: String,
    pub partition: i32,
    pub generation: u32,
    pub count: u32,
    pub first_offset: i64,
    pub last_offset: i64,
}

fn put_bytes(b: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        None => b.extend_from_slice(&(-1i32).to_le_bytes()),
        Some(v) => {
            b.extend_from_slice(&(v.len() as i32).to_le_bytes());
            b.extend_from_slice(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_header_topic_table_and_one_record() {
        let mut bb = BatchBuilder::new("t", 3, 7, 0);
        let hs: Vec<(&[u8], Option<&[u8]>)> = vec![(b"h", Some(b"v")), (b"\xff", None)];
        bb.push(TS_CREATE, 42, 1000, Some(b"k"), None, hs.into_iter());
        let (info, buf) = bb.finish();
        assert_eq!(info.count, 1);
        assert_eq!((info.first_offset, info.last_offset), (42, 42));
        assert_eq!(&buf[0..4], b"KLB1");
        assert_eq!(u32::from_le_bytes(buf[8..12].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(buf[16..20].try_into().unwrap()) as usize, buf.len());
        assert_eq!(&buf[20..23], &[1, 0, b't']);
        // topicIndex, tsType, reserved, partition
        assert_eq!(&buf[23..29], &[0, 0, 1, 0, 3, 0]);
        // the invalid header name became U+FFFD (3 bytes)
        assert!(buf.windows(3).any(|w| w == "\u{FFFD}".as_bytes()));
    }
}

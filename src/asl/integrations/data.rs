//! Reading `models.bin` (its format is described in `scripts/aws-models`): the index (the
//! services and the optimized integrations), decoded on first use, and the tables each
//! service's model (`model.rs`) reads in place. Nothing is compressed: a model's strings are
//! word numbers into one table of words, validated as UTF-8 once.

use std::sync::OnceLock;

/// The file `scripts/aws-models` writes: a text header, then the payload.
pub(crate) static FILE: &[u8] = include_bytes!("models.bin");

/// A reader over varints and strings that gives `None` instead of panicking on bad data.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    #[inline]
    pub(super) fn int(&mut self) -> Option<usize> {
        // Most numbers are under 128: one byte.
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        if b & 0x80 == 0 {
            return Some(usize::from(b));
        }
        let mut value = u64::from(b & 0x7f);
        for shift in (7..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(value).ok();
            }
        }
        None
    }

    pub(super) fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.int()?;
        std::str::from_utf8(self.bytes(len)?).ok()
    }

    /// A count of items that each take at least one byte: never more than the bytes left,
    /// so a bad count cannot make a huge allocation.
    pub(super) fn count(&mut self) -> Option<usize> {
        let n = self.int()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }
}

/// The payload: what follows the header's empty line.
fn payload(file: &[u8]) -> Option<&[u8]> {
    let end = file.windows(2).position(|w| w == b"\n\n")?;
    file.get(end + 2..)
}

/// Whether Step Functions offers an SDK service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Offered,
    /// Listed by Step Functions once; its API is no longer in the AWS SDKs.
    Retired,
    /// Still in the SDKs, but removed from Step Functions (on the date in `note`).
    Removed,
}

/// One AWS SDK integration service: `arn:aws:states:::aws-sdk:<name>:<action>`.
#[derive(Debug)]
pub struct SdkService {
    /// The name Step Functions uses in the ARN (`sfn`, `eventbridge`, `bedrockruntime`).
    pub name: &'static str,
    /// botocore's name for the service (`stepfunctions`, `events`, `bedrock-runtime`); empty
    /// for a retired service.
    pub botocore: &'static str,
    /// The prefix of the errors its calls throw: `S3`, `DynamoDb`, `Sfn`.
    pub exception_prefix: &'static str,
    pub status: Status,
    pub note: &'static str,
    /// API operations Step Functions does not support (PascalCase).
    pub unsupported: Vec<&'static str>,
    pub(super) chunk: Option<usize>,
}

/// How an optimized integration's input or output is described.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Io {
    None,
    /// An API operation's shape; `typed`: values keep the API's types.
    Api {
        chunk: usize,
        operation: &'static str,
        typed: bool,
    },
    /// A shape written by hand from the integration's page.
    Hand {
        name: &'static str,
    },
}

/// One optimized integration: `arn:aws:states:::<service>:<action>`.
#[derive(Debug)]
pub struct Optimized {
    pub service: &'static str,
    pub action: &'static str,
    /// The Developer Guide page that documents it.
    pub page: &'static str,
    pub(crate) patterns: u8,
    pub(crate) input: Io,
    pub(crate) output: Io,
    /// The prefix of the errors it throws (`Lambda`, `DynamoDB`), empty when not documented.
    pub error_prefix: &'static str,
    pub(crate) error_chunk: Option<usize>,
    /// Its place in the list, by which its shapes are kept once found.
    pub(crate) position: usize,
}

pub(crate) struct Index {
    pub services: Vec<SdkService>,
    pub optimized: Vec<Optimized>,
    pub hand_chunk: usize,
    pub(super) words: Words,
    pub(super) chunks: Vec<&'static [u8]>,
}

/// The words every model's strings are made of: their text, one after another, and where
/// each ends (u32, little-endian).
pub(crate) struct Words {
    pub(super) text: &'static str,
    ends: &'static [u8],
}

impl Words {
    fn end(&self, i: usize) -> Option<usize> {
        let bytes = self.ends.get(4 * i..4 * i + 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
    }

    /// Where the word numbered `i` is in `text`.
    pub(super) fn range(&self, i: usize) -> Option<(usize, usize)> {
        let start = match i {
            0 => 0,
            i => self.end(i - 1)?,
        };
        Some((start, self.end(i)?))
    }
}

/// Records found without decoding the others (see `write_table` in `scripts/aws-models`).
#[derive(Clone, Copy)]
pub(super) struct Table {
    pub(super) count: usize,
    /// The offset of every `BLOCK`-th record in `records` (u32, little-endian).
    offsets: &'static [u8],
    records: &'static [u8],
}

const BLOCK: usize = 8;

impl Table {
    pub(super) fn read(r: &mut Reader<'static>) -> Option<Table> {
        let count = r.count()?;
        let len = r.int()?;
        let offsets = r.bytes(count.div_ceil(BLOCK).checked_mul(4)?)?;
        let records = r.bytes(len)?;
        Some(Table {
            count,
            offsets,
            records,
        })
    }

    pub(super) fn get(&self, i: usize) -> Option<&'static [u8]> {
        if i >= self.count {
            return None;
        }
        let block = i / BLOCK;
        let at = self.offsets.get(4 * block..4 * block + 4)?;
        let mut r = Reader::new(self.records);
        r.at = u32::from_le_bytes(at.try_into().ok()?) as usize;
        for _ in 0..i % BLOCK {
            let len = r.int()?;
            r.bytes(len)?;
        }
        let len = r.int()?;
        r.bytes(len)
    }
}

pub(crate) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        decode_index().unwrap_or(Index {
            services: Vec::new(),
            optimized: Vec::new(),
            hand_chunk: usize::MAX,
            words: Words {
                text: "",
                ends: &[],
            },
            chunks: Vec::new(),
        })
    })
}

#[inline(never)]
fn decode_index() -> Option<Index> {
    let mut r = Reader::new(payload(FILE)?);
    let n = r.count()?;
    let mut services = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?;
        let botocore = r.str()?;
        let exception_prefix = r.str()?;
        let status = match r.int()? {
            0 => Status::Offered,
            1 => Status::Retired,
            _ => Status::Removed,
        };
        let note = r.str()?;
        let k = r.count()?;
        let unsupported = (0..k).map(|_| r.str()).collect::<Option<Vec<_>>>()?;
        let chunk = r.int()?.checked_sub(1);
        services.push(SdkService {
            name,
            botocore,
            exception_prefix,
            status,
            note,
            unsupported,
            chunk,
        });
    }
    let n = r.count()?;
    let mut optimized = Vec::with_capacity(n);
    for _ in 0..n {
        let service = r.str()?;
        let action = r.str()?;
        let page = r.str()?;
        let patterns = u8::try_from(r.int()?).ok()?;
        let input = io(&mut r)?;
        let output = io(&mut r)?;
        let error_prefix = r.str()?;
        let error_chunk = r.int()?.checked_sub(1);
        optimized.push(Optimized {
            service,
            action,
            page,
            patterns,
            input,
            output,
            error_prefix,
            error_chunk,
            position: optimized.len(),
        });
    }
    let hand_chunk = r.int()?;
    let count = r.count()?;
    let len = r.int()?;
    let text = std::str::from_utf8(r.bytes(len)?).ok()?;
    let words = Words {
        text,
        ends: r.bytes(count.checked_mul(4)?)?,
    };
    // The lengths first, then the chunks: the index is read without touching their pages.
    let n = r.count()?;
    let lengths = (0..n).map(|_| r.int()).collect::<Option<Vec<_>>>()?;
    let chunks = lengths
        .into_iter()
        .map(|len| r.bytes(len))
        .collect::<Option<Vec<_>>>()?;
    Some(Index {
        services,
        optimized,
        hand_chunk,
        words,
        chunks,
    })
}

fn io(r: &mut Reader<'static>) -> Option<Io> {
    Some(match r.int()? {
        0 => Io::None,
        1 => Io::Api {
            chunk: r.int()?,
            operation: r.str()?,
            typed: r.int()? == 1,
        },
        _ => Io::Hand { name: r.str()? },
    })
}

pub(crate) fn model_bytes(service: &SdkService) -> Option<&'static [u8]> {
    index().chunks.get(service.chunk?).copied()
}

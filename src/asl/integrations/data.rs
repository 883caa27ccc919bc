//! Decoding of `models.bin` (its format is described in `scripts/aws-models`). The index (the
//! services and the optimized integrations) is decoded on first use; each service's API model
//! is decompressed and decoded only when a rule asks for it, once per process.

use std::sync::OnceLock;

/// The file `scripts/aws-models` writes: a text header, then the payload.
pub(crate) static FILE: &[u8] = include_bytes!("models.bin");

/// A reader over varints and strings that gives `None` instead of panicking on bad data.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn int(&mut self) -> Option<usize> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(value).ok();
            }
        }
        None
    }

    fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
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
    fn count(&mut self) -> Option<usize> {
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
    chunk: Option<usize>,
}

impl SdkService {
    /// The service's API model (decoded on first use).
    pub fn model(&self) -> Option<&'static Model> {
        model(self.chunk?)
    }
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
}

pub(crate) struct Index {
    pub services: Vec<SdkService>,
    pub optimized: Vec<Optimized>,
    pub hand_chunk: usize,
    chunks: Vec<&'static [u8]>,
    models: Vec<OnceLock<Option<Model>>>,
}

pub(crate) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        decode_index().unwrap_or(Index {
            services: Vec::new(),
            optimized: Vec::new(),
            hand_chunk: usize::MAX,
            chunks: Vec::new(),
            models: Vec::new(),
        })
    })
}

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
        });
    }
    let hand_chunk = r.int()?;
    let n = r.count()?;
    let mut chunks = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.int()?;
        chunks.push(r.bytes(len)?);
    }
    let models = (0..chunks.len()).map(|_| OnceLock::new()).collect();
    Some(Index {
        services,
        optimized,
        hand_chunk,
        chunks,
        models,
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

pub(crate) fn compressed(service: &SdkService) -> Option<&'static [u8]> {
    index().chunks.get(service.chunk?).copied()
}

pub(crate) fn model(chunk: usize) -> Option<&'static Model> {
    let index = index();
    index
        .models
        .get(chunk)?
        .get_or_init(|| Model::decode(index.chunks.get(chunk)?))
        .as_ref()
}

/// The kind of value a shape describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything: a document type, or a value the data does not describe.
    Any,
    Structure,
    List,
    Map,
    Enum,
    String,
    Integer,
    Number,
    Boolean,
    Timestamp,
    Blob,
}

#[derive(Clone, Debug)]
struct ShapeDef {
    kind: Kind,
    /// Structure: range of `members`; enum: range of `values`; list and map: the element.
    a: u32,
    b: u32,
}

#[derive(Clone, Copy, Debug)]
struct MemberDef {
    name: u32,
    /// The API's own name with a capital, where it differs from `name`.
    other: Option<u32>,
    required: bool,
    shape: u32,
}

#[derive(Clone, Debug)]
struct OperationDef {
    name: u32,
    input: Option<u32>,
    output: Option<u32>,
    errors: (u32, u32),
}

/// One service's API model (or the hand-written shapes): strings, shapes, operations.
#[derive(Debug)]
pub struct Model {
    text: String,
    strings: Vec<(u32, u32)>,
    shapes: Vec<ShapeDef>,
    members: Vec<MemberDef>,
    values: Vec<u32>,
    operations: Vec<OperationDef>,
    errors: Vec<u32>,
    exceptions: Vec<u32>,
}

impl Model {
    /// Decompresses and decodes a chunk. Public for the decoding benchmark.
    pub fn decode(compressed: &[u8]) -> Option<Model> {
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(compressed).ok()?;
        let mut r = Reader::new(&bytes);
        let n = r.count()?;
        let mut text = String::with_capacity(bytes.len());
        let mut strings = Vec::with_capacity(n);
        for _ in 0..n {
            let s = r.str()?;
            let start = text.len() as u32;
            text.push_str(s);
            strings.push((start, text.len() as u32));
        }
        let n = r.count()?;
        let mut shapes = Vec::with_capacity(n);
        let mut members = Vec::new();
        let mut values = Vec::new();
        let index = |i: usize, len: usize| (i < len).then_some(i as u32);
        for _ in 0..n {
            let kind = match r.int()? {
                1 => Kind::Structure,
                2 => Kind::List,
                3 => Kind::Map,
                4 => Kind::Enum,
                5 => Kind::String,
                6 => Kind::Integer,
                7 => Kind::Number,
                8 => Kind::Boolean,
                9 => Kind::Timestamp,
                10 => Kind::Blob,
                _ => Kind::Any,
            };
            let (a, b) = match kind {
                Kind::Structure => {
                    let start = members.len() as u32;
                    for _ in 0..r.count()? {
                        let packed = r.int()?;
                        let other = if packed & 2 != 0 {
                            Some(index(r.int()?, strings.len())?)
                        } else {
                            None
                        };
                        members.push(MemberDef {
                            name: index(packed >> 2, strings.len())?,
                            other,
                            required: packed & 1 == 1,
                            shape: r.int()? as u32,
                        });
                    }
                    (start, members.len() as u32)
                }
                Kind::Enum => {
                    let start = values.len() as u32;
                    for _ in 0..r.count()? {
                        values.push(index(r.int()?, strings.len())?);
                    }
                    (start, values.len() as u32)
                }
                Kind::List | Kind::Map => (r.int()? as u32, 0),
                _ => (0, 0),
            };
            shapes.push(ShapeDef { kind, a, b });
        }
        // Every reference must name a shape: navigation then never fails.
        let count = shapes.len();
        if members.iter().any(|m| m.shape as usize >= count)
            || shapes
                .iter()
                .any(|s| matches!(s.kind, Kind::List | Kind::Map) && s.a as usize >= count)
        {
            return None;
        }
        let n = r.count()?;
        let mut operations = Vec::with_capacity(n);
        let mut errors = Vec::new();
        // 0 for none, else the shape's index + 1 (which must exist).
        let shape = |i: usize| -> Option<Option<u32>> {
            match i {
                0 => Some(None),
                i => index(i - 1, count).map(Some),
            }
        };
        for _ in 0..n {
            let name = index(r.int()?, strings.len())?;
            let input = shape(r.int()?)?;
            let output = shape(r.int()?)?;
            let start = errors.len() as u32;
            for _ in 0..r.count()? {
                errors.push(index(r.int()?, strings.len())?);
            }
            operations.push(OperationDef {
                name,
                input,
                output,
                errors: (start, errors.len() as u32),
            });
        }
        let n = r.count()?;
        let exceptions = (0..n)
            .map(|_| index(r.int()?, strings.len()))
            .collect::<Option<Vec<_>>>()?;
        Some(Model {
            text,
            strings,
            shapes,
            members,
            values,
            operations,
            errors,
            exceptions,
        })
    }

    fn string(&self, i: u32) -> &str {
        let (start, end) = self.strings[i as usize];
        &self.text[start as usize..end as usize]
    }

    /// The operation of this name (PascalCase, as the API writes it).
    pub fn operation(&self, name: &str) -> Option<Operation<'_>> {
        let i = self
            .operations
            .binary_search_by(|op| self.string(op.name).cmp(name))
            .ok()?;
        Some(Operation { model: self, i })
    }

    /// The operation `order` finds: it compares an operation's name with the one sought.
    pub fn operation_by(
        &self,
        order: impl Fn(&str) -> std::cmp::Ordering,
    ) -> Option<Operation<'_>> {
        let i = self
            .operations
            .binary_search_by(|op| order(self.string(op.name)))
            .ok()?;
        Some(Operation { model: self, i })
    }

    pub fn operations(&self) -> impl Iterator<Item = Operation<'_>> + '_ {
        (0..self.operations.len()).map(|i| Operation { model: self, i })
    }

    /// Every error shape of the service, whichever operations list it.
    pub fn exceptions(&self) -> impl Iterator<Item = &str> + '_ {
        self.exceptions.iter().map(|&i| self.string(i))
    }
}

#[derive(Clone, Copy)]
pub struct Operation<'m> {
    model: &'m Model,
    i: usize,
}

impl<'m> Operation<'m> {
    fn def(&self) -> &'m OperationDef {
        &self.model.operations[self.i]
    }

    pub fn name(&self) -> &'m str {
        self.model.string(self.def().name)
    }

    pub fn input(&self) -> Option<Shape<'m>> {
        self.def().input.map(|id| Shape {
            model: self.model,
            id,
        })
    }

    pub fn output(&self) -> Option<Shape<'m>> {
        self.def().output.map(|id| Shape {
            model: self.model,
            id,
        })
    }

    pub fn errors(&self) -> impl Iterator<Item = &'m str> + 'm {
        let (start, end) = self.def().errors;
        let model = self.model;
        model.errors[start as usize..end as usize]
            .iter()
            .map(move |&i| model.string(i))
    }
}

/// A shape of a model: what a parameter or a result holds.
#[derive(Clone, Copy)]
pub struct Shape<'m> {
    model: &'m Model,
    id: u32,
}

impl std::fmt::Debug for Shape<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shape({:?} #{})", self.kind(), self.id)
    }
}

/// A member of a structure.
#[derive(Clone, Copy, Debug)]
pub struct Member<'m> {
    /// The name as Step Functions writes it: the AWS SDK for Java's PascalCase property name
    /// (`DbSnapshotIdentifier`, `EqualsValue`), or the hand-written shape's name.
    pub name: &'m str,
    /// The API's own name with a capital (`DBSnapshotIdentifier`), where it differs.
    pub other_name: Option<&'m str>,
    pub required: bool,
    pub shape: Shape<'m>,
}

impl Member<'_> {
    /// Whether `key` names this member, in either form.
    pub fn is_named(&self, key: &str) -> bool {
        self.name == key || self.other_name == Some(key)
    }
}

impl<'m> Shape<'m> {
    fn def(&self) -> &'m ShapeDef {
        &self.model.shapes[self.id as usize]
    }

    pub fn kind(&self) -> Kind {
        self.def().kind
    }

    /// A structure's members (none for other kinds).
    pub fn members(&self) -> impl Iterator<Item = Member<'m>> + 'm {
        let def = self.def();
        let model = self.model;
        let range = if def.kind == Kind::Structure {
            def.a as usize..def.b as usize
        } else {
            0..0
        };
        model.members[range].iter().map(move |m| Member {
            name: model.string(m.name),
            other_name: m.other.map(|o| model.string(o)),
            required: m.required,
            shape: Shape { model, id: m.shape },
        })
    }

    /// An enum's values (none for other kinds).
    pub fn values(&self) -> impl Iterator<Item = &'m str> + 'm {
        let def = self.def();
        let model = self.model;
        let range = if def.kind == Kind::Enum {
            def.a as usize..def.b as usize
        } else {
            0..0
        };
        model.values[range].iter().map(move |&v| model.string(v))
    }

    /// A list's element or a map's value.
    pub fn element(&self) -> Option<Shape<'m>> {
        let def = self.def();
        matches!(def.kind, Kind::List | Kind::Map).then_some(Shape {
            model: self.model,
            id: def.a,
        })
    }
}

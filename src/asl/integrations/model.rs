//! One service's API model (or the hand-written shapes), read in place from its chunk of
//! `models.bin`: operations, shapes, members, enum values and errors, found when a rule asks.

use std::sync::OnceLock;

use super::data::{index, Reader, SdkService, Table, Words};

/// Each chunk's model, decoded when first asked for.
pub(crate) fn model(chunk: usize) -> Option<&'static Model> {
    static MODELS: OnceLock<Vec<OnceLock<Option<Model>>>> = OnceLock::new();
    let index = index();
    MODELS
        .get_or_init(|| (0..index.chunks.len()).map(|_| OnceLock::new()).collect())
        .get(chunk)?
        .get_or_init(|| Model::decode(index.chunks.get(chunk)?, &index.words))
        .as_ref()
}

impl SdkService {
    /// The service's API model (decoded on first use).
    pub fn model(&self) -> Option<&'static Model> {
        model(self.chunk?)
    }
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

#[derive(Clone, Copy, Debug)]
struct MemberDef {
    name: u32,
    /// The API's own name with a capital, where it differs from `name`.
    other: Option<u32>,
    /// `name` and `other` (empty when there is none) as their words: a key is compared with
    /// them without putting the names together.
    name_words: NameWords,
    other_words: NameWords,
    required: bool,
    shape: u32,
}

/// A string as its first word's text and the numbers of the words after it: most keys
/// differ from a name in its first word, compared without decoding a number.
#[derive(Clone, Copy, Debug, Default)]
struct NameWords {
    first: &'static [u8],
    rest: &'static [u8],
}

#[derive(Clone, Copy, Debug)]
struct OperationDef {
    name: u32,
    input: Option<u32>,
    output: Option<u32>,
    /// Its errors' string numbers.
    errors: &'static [u8],
}

/// One service's API model (or the hand-written shapes), read in place: decoding reads only
/// where its tables are; a string is put together from its words, and a structure's members
/// read, when a rule first asks (a Task uses a few shapes of thousands).
pub struct Model {
    words: &'static Words,
    /// Each string's word numbers.
    strings: Table,
    text: Cells<Box<str>>,
    shapes: Table,
    /// Each structure's members, read on first use: a call's parameters are looked at for
    /// every Task that makes it.
    members: Cells<Box<[MemberDef]>>,
    /// Sorted by name.
    operations: Table,
    /// The service's error names: a count and string numbers.
    exceptions: &'static [u8],
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Model({} operations, {} shapes)",
            self.operations.count, self.shapes.count
        )
    }
}

fn kind_of(byte: usize) -> Kind {
    match byte {
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
    }
}

impl Model {
    /// Decodes a service's chunk as embedded (for the decoding benchmark).
    pub fn decode_embedded(bytes: &'static [u8]) -> Option<Model> {
        Model::decode(bytes, &index().words)
    }

    fn decode(bytes: &'static [u8], words: &'static Words) -> Option<Model> {
        // Nothing is read ahead: a string, shape or operation is found when asked for.
        let mut r = Reader::new(bytes);
        let strings = Table::read(&mut r)?;
        let text = Cells::new(strings.count);
        let shapes = Table::read(&mut r)?;
        let members = Cells::new(shapes.count);
        let operations = Table::read(&mut r)?;
        let exceptions = r.bytes.get(r.at..)?;
        Some(Model {
            words,
            strings,
            text,
            shapes,
            members,
            operations,
            exceptions,
        })
    }

    fn string(&self, i: u32) -> &str {
        self.text
            .get_or_init(i as usize, || self.put_together(i).unwrap_or_default())
            .map_or("", |text| text)
    }

    /// Whether string `i` is `key` (in any ASCII case with `ignore_case`), compared word by
    /// word: looking a key up among a structure's members puts none of their names together.
    fn string_is(&self, i: u32, key: &str, ignore_case: bool) -> bool {
        match self.strings.get(i as usize) {
            Some(numbers) => self.words_are(numbers, key.as_bytes(), ignore_case),
            None => key.is_empty(),
        }
    }

    /// String `i` as its words, for `name_is`.
    fn name(&self, i: u32) -> Option<NameWords> {
        let numbers = self.strings.get(i as usize)?;
        if numbers.is_empty() {
            return Some(NameWords::default());
        }
        let mut r = Reader::new(numbers);
        let first = self.word(r.int()?)?;
        Some(NameWords {
            first,
            rest: numbers.get(r.at..)?,
        })
    }

    /// `string_is` for a string kept as its words.
    fn name_is(&self, name: NameWords, key: &str, ignore_case: bool) -> bool {
        let key = key.as_bytes();
        match key.get(..name.first.len()) {
            Some(head) if same(head, name.first, ignore_case) => {
                self.words_are(name.rest, &key[name.first.len()..], ignore_case)
            }
            _ => false,
        }
    }

    /// Whether `key` names member `m`, in either of its forms.
    fn member_is(&self, m: &MemberDef, key: &str, ignore_case: bool) -> bool {
        self.name_is(m.name_words, key, ignore_case)
            || (m.other.is_some() && self.name_is(m.other_words, key, ignore_case))
    }

    fn word(&self, w: usize) -> Option<&'static [u8]> {
        let (start, end) = self.words.range(w)?;
        self.words.text.as_bytes().get(start..end)
    }

    /// Whether the words numbered in `numbers` spell `key` (see `string_is`).
    fn words_are(&self, numbers: &[u8], key: &[u8], ignore_case: bool) -> bool {
        let mut rest = key;
        let mut r = Reader::new(numbers);
        while r.at < numbers.len() {
            let Some(word) = r.int().and_then(|w| self.word(w)) else {
                // Data that does not read is the empty string, as `string` has it.
                return key.is_empty();
            };
            match rest.get(..word.len()) {
                Some(head) if same(head, word, ignore_case) => rest = &rest[word.len()..],
                _ => return false,
            }
        }
        rest.is_empty()
    }

    fn put_together(&self, i: u32) -> Option<Box<str>> {
        let numbers = self.strings.get(i as usize)?;
        // Measured first, so that the text is allocated once at its size.
        let mut len = 0;
        let mut r = Reader::new(numbers);
        while r.at < numbers.len() {
            let (start, end) = self.words.range(r.int()?)?;
            len += end - start;
        }
        let mut out = Vec::with_capacity(len);
        let mut r = Reader::new(numbers);
        while r.at < numbers.len() {
            let (start, end) = self.words.range(r.int()?)?;
            out.extend_from_slice(self.words.text.as_bytes().get(start..end)?);
        }
        String::from_utf8(out).ok().map(String::into_boxed_str)
    }

    /// A shape's kind and a reader at what follows it; `None` for data that is not there.
    fn shape(&self, id: u32) -> Option<(Kind, Reader<'static>)> {
        let mut r = Reader::new(self.shapes.get(id as usize)?);
        let kind = kind_of(r.int()?);
        Some((kind, r))
    }

    /// Whether every string, shape and reference of the model reads back: what the rules
    /// rely on, checked once for all the embedded data by a test.
    pub fn is_whole(&self) -> bool {
        let strings = (0..self.strings.count as u32).all(|i| self.put_together(i).is_some());
        let shapes = (0..self.shapes.count as u32).all(|id| {
            let Some((kind, mut r)) = self.shape(id) else {
                return false;
            };
            let shape = Shape { model: self, id };
            match kind {
                Kind::Structure => {
                    let Some(n) = r.count() else { return false };
                    shape.members().count() == n
                }
                Kind::Enum => {
                    let Some(n) = r.count() else { return false };
                    shape.values().count() == n
                }
                Kind::List | Kind::Map => shape.element().is_some(),
                _ => true,
            }
        });
        let operations = self.operations().count() == self.operations.count
            && self
                .operations()
                .all(|op| self.numbers_read(op.def.errors, false));
        strings && shapes && operations && self.numbers_read(self.exceptions, true)
    }

    /// Whether `bytes` holds string numbers and nothing else (after their count, if
    /// `counted`).
    fn numbers_read(&self, bytes: &[u8], counted: bool) -> bool {
        let mut r = Reader::new(bytes);
        let mut left = if counted { r.count() } else { Some(usize::MAX) };
        while r.at < bytes.len() {
            match (left, r.int()) {
                (Some(n), Some(i)) if n > 0 && i < self.strings.count => left = Some(n - 1),
                _ => return false,
            }
        }
        !counted || left == Some(0)
    }

    /// Operation `i`; `None` for data that does not read.
    fn operation_at(&self, i: usize) -> Option<Operation<'_>> {
        let record = self.operations.get(i)?;
        let mut r = Reader::new(record);
        let name = self.string_id(r.int()?)?;
        // 0 for none, else the shape's index + 1 (which must exist).
        let mut shape = || -> Option<Option<u32>> {
            match r.int()? {
                0 => Some(None),
                i => self.shape_id(i - 1).map(Some),
            }
        };
        let (input, output) = (shape()?, shape()?);
        Some(Operation {
            model: self,
            def: OperationDef {
                name,
                input,
                output,
                errors: record.get(r.at..)?,
            },
        })
    }

    /// The operation of this name (PascalCase, as the API writes it).
    pub fn operation(&self, name: &str) -> Option<Operation<'_>> {
        self.operation_by(|n| n.cmp(name))
    }

    /// The operation `order` finds: it compares an operation's name with the one sought.
    pub fn operation_by(
        &self,
        order: impl Fn(&str) -> std::cmp::Ordering,
    ) -> Option<Operation<'_>> {
        let (mut low, mut high) = (0, self.operations.count);
        while low < high {
            let mid = low + (high - low) / 2;
            let op = self.operation_at(mid)?;
            match order(op.name()) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(op),
            }
        }
        None
    }

    pub fn operations(&self) -> impl Iterator<Item = Operation<'_>> + '_ {
        (0..self.operations.count).map_while(|i| self.operation_at(i))
    }

    /// Every error shape of the service, whichever operations list it.
    pub fn exceptions(&self) -> impl Iterator<Item = &str> + '_ {
        self.strings_in(self.exceptions, true)
    }

    /// The strings whose numbers `bytes` holds (after their count, if `counted`).
    fn strings_in(&self, bytes: &'static [u8], counted: bool) -> impl Iterator<Item = &str> + '_ {
        let mut r = Reader::new(bytes);
        let mut left = if counted {
            r.count().unwrap_or(0)
        } else {
            usize::MAX
        };
        std::iter::from_fn(move || {
            left = left.checked_sub(1)?;
            if r.at >= r.bytes.len() {
                return None;
            }
            let i = r.int().and_then(|i| self.string_id(i))?;
            Some(self.string(i))
        })
    }
}

#[derive(Clone, Copy)]
pub struct Operation<'m> {
    model: &'m Model,
    def: OperationDef,
}

impl<'m> Operation<'m> {
    pub fn name(&self) -> &'m str {
        self.model.string(self.def.name)
    }

    pub fn input(&self) -> Option<Shape<'m>> {
        self.def.input.map(|id| Shape {
            model: self.model,
            id,
        })
    }

    pub fn output(&self) -> Option<Shape<'m>> {
        self.def.output.map(|id| Shape {
            model: self.model,
            id,
        })
    }

    pub fn errors(&self) -> impl Iterator<Item = &'m str> + 'm {
        self.model.strings_in(self.def.errors, false)
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
    /// The shape of the structure's member that `key` names, in either form
    /// (`Member::is_named`), or in any ASCII case with `ignore_case`.
    pub fn field(&self, key: &str, ignore_case: bool) -> Option<Shape<'m>> {
        let model = self.model;
        let def = model
            .member_defs(self.id)
            .iter()
            .find(|m| model.member_is(m, key, ignore_case))?;
        Some(Shape {
            model,
            id: def.shape,
        })
    }

    /// The names of the structure's required members that none of `present` names.
    pub fn missing<'p>(&self, present: &'p [&str]) -> impl Iterator<Item = &'m str> + 'p
    where
        'm: 'p,
    {
        let model = self.model;
        model
            .member_defs(self.id)
            .iter()
            .filter(move |m| {
                m.required && !present.iter().any(|key| model.member_is(m, key, false))
            })
            .map(move |m| model.string(m.name))
    }

    /// Whether the enum has the value `value`; `None` when the data lists no values.
    pub fn has_value(&self, value: &str) -> Option<bool> {
        let model = self.model;
        let mut ids = self.value_ids().peekable();
        ids.peek()?;
        Some(ids.any(|i| model.string_is(i, value, false)))
    }

    fn member_of(&self, m: &MemberDef) -> Member<'m> {
        let model = self.model;
        Member {
            name: model.string(m.name),
            other_name: m.other.map(|o| model.string(o)),
            required: m.required,
            shape: Shape { model, id: m.shape },
        }
    }

    pub fn kind(&self) -> Kind {
        self.model
            .shape(self.id)
            .map_or(Kind::Any, |(kind, _)| kind)
    }

    /// A structure's members (none for other kinds).
    pub fn members(&self) -> impl Iterator<Item = Member<'m>> + 'm {
        let shape = *self;
        self.model
            .member_defs(self.id)
            .iter()
            .map(move |m| shape.member_of(m))
    }

    /// An enum's values (none for other kinds).
    pub fn values(&self) -> impl Iterator<Item = &'m str> + 'm {
        let model = self.model;
        self.value_ids().map(move |i| model.string(i))
    }

    /// The string numbers of an enum's values; data that does not read ends them.
    fn value_ids(&self) -> impl Iterator<Item = u32> + 'm {
        let model = self.model;
        let (mut r, mut left) = match model.shape(self.id) {
            Some((Kind::Enum, mut r)) => {
                let n = r.count().unwrap_or(0);
                (r, n)
            }
            _ => (Reader::new(&[]), 0),
        };
        std::iter::from_fn(move || {
            left = left.checked_sub(1)?;
            match r.int().and_then(|i| model.string_id(i)) {
                Some(i) => Some(i),
                None => {
                    left = 0;
                    None
                }
            }
        })
    }

    /// A list's element or a map's value.
    pub fn element(&self) -> Option<Shape<'m>> {
        match self.model.shape(self.id)? {
            (Kind::List | Kind::Map, mut r) => Some(Shape {
                model: self.model,
                id: self.model.shape_id(r.int()?)?,
            }),
            _ => None,
        }
    }
}

impl Model {
    fn shape_id(&self, i: usize) -> Option<u32> {
        (i < self.shapes.count).then_some(i as u32)
    }

    fn string_id(&self, i: usize) -> Option<u32> {
        (i < self.strings.count).then_some(i as u32)
    }

    /// A structure's members; data that does not read ends them.
    fn member_defs(&self, id: u32) -> &[MemberDef] {
        let defs = self.members.get_or_init(id as usize, || {
            let mut defs = Vec::new();
            if let Some((Kind::Structure, mut r)) = self.shape(id) {
                let n = r.count().unwrap_or(0);
                defs.reserve_exact(n);
                for _ in 0..n {
                    match self.member(&mut r) {
                        Some(def) => defs.push(def),
                        None => break,
                    }
                }
            }
            defs.into_boxed_slice()
        });
        defs.map_or(&[], |defs| defs)
    }

    /// The next member of a structure: `name << 2 | has-other-name << 1 | required`, the
    /// other name if any, the shape.
    fn member(&self, r: &mut Reader<'static>) -> Option<MemberDef> {
        let packed = r.int()?;
        let other = if packed & 2 != 0 {
            Some(self.string_id(r.int()?)?)
        } else {
            None
        };
        let name = self.string_id(packed >> 2)?;
        Some(MemberDef {
            name,
            other,
            name_words: self.name(name)?,
            other_words: match other {
                Some(o) => self.name(o)?,
                None => NameWords::default(),
            },
            required: packed & 1 == 1,
            shape: self.shape_id(r.int()?)?,
        })
    }
}

fn same(a: &[u8], b: &[u8], ignore_case: bool) -> bool {
    if ignore_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Values computed on first use, one per string or shape of a model, in blocks allocated
/// when first used: a Task reads a few of thousands, and memory never touched costs nothing
/// (a slot for each up front cost 160 of the 810 page faults of a corpus run).
struct Cells<T> {
    len: usize,
    blocks: Box<[OnceLock<Block<T>>]>,
}

type Block<T> = Box<[OnceLock<T>]>;

const CELLS: usize = 16;

impl<T> Cells<T> {
    fn new(len: usize) -> Cells<T> {
        Cells {
            len,
            blocks: (0..len.div_ceil(CELLS)).map(|_| OnceLock::new()).collect(),
        }
    }

    fn get_or_init(&self, i: usize, f: impl FnOnce() -> T) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let block =
            self.blocks[i / CELLS].get_or_init(|| (0..CELLS).map(|_| OnceLock::new()).collect());
        Some(block[i % CELLS].get_or_init(f))
    }
}

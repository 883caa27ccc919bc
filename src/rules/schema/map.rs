//! Distributed Map objects: ItemReader, ItemBatcher and ResultWriter.

use super::fields::{check_members, exclusive, sub, Field, LangContext};
use super::site::{Part, Site};
use super::values::{check_literal, Expect, Lang};
use crate::diagnostic::Finding;
use crate::document::Member;
use crate::model::QueryLanguage;
use crate::quote::abbreviate;

const POSITIVE: Expect = Expect::Int(1, i64::MAX);

const ITEM_READER: &[Field] = &[
    sub("Resource", Lang::Both, Expect::Str),
    sub("ReaderConfig", Lang::Both, Expect::Custom),
    sub("Parameters", Lang::JsonPath, Expect::Object),
    sub("Arguments", Lang::Jsonata, Expect::Object),
];

/// `InputType`, `Transformation` and `ManifestType` take any string: AWS keeps adding values.
const READER_CONFIG: &[Field] = &[
    sub("InputType", Lang::Both, Expect::Str),
    sub(
        "CSVHeaderLocation",
        Lang::Both,
        Expect::Enum(&["FIRST_ROW", "GIVEN"]),
    ),
    sub("CSVHeaders", Lang::Both, Expect::Array),
    sub(
        "CSVDelimiter",
        Lang::Both,
        Expect::Enum(&["COMMA", "PIPE", "SEMICOLON", "TAB", "SPACE"]),
    ),
    sub("MaxItems", Lang::Both, Expect::Int(0, i64::MAX)),
    sub("MaxItemsPath", Lang::JsonPath, Expect::Str),
    sub("Transformation", Lang::Both, Expect::Str),
    sub("ManifestType", Lang::Both, Expect::Str),
];

const ITEM_BATCHER: &[Field] = &[
    sub("MaxItemsPerBatch", Lang::Both, POSITIVE),
    sub("MaxItemsPerBatchPath", Lang::JsonPath, Expect::Str),
    sub("MaxInputBytesPerBatch", Lang::Both, POSITIVE),
    sub("MaxInputBytesPerBatchPath", Lang::JsonPath, Expect::Str),
    sub("BatchInput", Lang::Both, Expect::Object),
];

const RESULT_WRITER: &[Field] = &[
    sub("Resource", Lang::Both, Expect::Str),
    sub("Parameters", Lang::JsonPath, Expect::Object),
    sub("Arguments", Lang::Jsonata, Expect::Object),
    sub("WriterConfig", Lang::Both, Expect::Custom),
];

const WRITER_CONFIG: &[Field] = &[
    sub("OutputType", Lang::Both, Expect::Enum(&["JSON", "JSONL"])),
    sub(
        "Transformation",
        Lang::Both,
        Expect::Enum(&["NONE", "FLATTEN", "COMPACT"]),
    ),
];

/// Checks that `member` is an object and returns its site, or `None` after reporting.
fn object<'s>(
    out: &mut Vec<Finding>,
    site: &Site<'s>,
    member: &Member,
    part: &'s str,
) -> Option<Site<'s>> {
    check_literal(out, site, &member.key, &member.value, Expect::Object)
        .then(|| site.at(Part::Field(part)))
}

pub(super) fn item_reader(out: &mut Vec<Finding>, site: &Site, member: &Member, lang: LangContext) {
    let Some(reader) = object(out, site, member, "ItemReader") else {
        return;
    };
    check_members(out, &reader, &member.value, ITEM_READER, lang, |out, m| {
        if m.key == "ReaderConfig" {
            if let Some(config) = object(out, &reader, m, "ItemReader.ReaderConfig") {
                check_members(out, &config, &m.value, READER_CONFIG, lang, |_, _| {});
                if lang.state == QueryLanguage::JsonPath {
                    exclusive(
                        out,
                        &config,
                        &m.value,
                        "MaxItems",
                        "MaxItemsPath",
                        "\"MaxItemsPath\" reads the limit from the input; keep it or the fixed \"MaxItems\", not both",
                    );
                }
            }
        }
    });
    if member.value.member("Resource").is_none() {
        out.push(
            site.finding(member.key_span, format!("{} has no \"Resource\"", reader.subject()))
                .help("add \"Resource\", e.g. \"arn:aws:states:::s3:getObject\" or \"arn:aws:states:::s3:listObjectsV2\""),
        );
    }
}

pub(super) fn item_batcher(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    lang: LangContext,
) {
    let Some(batcher) = object(out, site, member, "ItemBatcher") else {
        return;
    };
    let node = &member.value;
    check_members(out, &batcher, node, ITEM_BATCHER, lang, |_, _| {});
    if lang.state == QueryLanguage::JsonPath {
        for (a, b) in [
            ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
            ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
        ] {
            exclusive(
                out,
                &batcher,
                node,
                a,
                b,
                &format!(
                    "keep either the fixed \"{a}\" or \"{b}\", not both",
                    a = abbreviate(a),
                    b = abbreviate(b)
                ),
            );
        }
    }
    let limits = [
        "MaxItemsPerBatch",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
    ];
    if !limits.iter().any(|l| node.member(l).is_some()) {
        out.push(
            site.finding(
                member.key_span,
                format!("{} sets no batch limit", batcher.subject()),
            )
            .help("add \"MaxItemsPerBatch\" or \"MaxInputBytesPerBatch\""),
        );
    }
}

pub(super) fn result_writer(
    out: &mut Vec<Finding>,
    site: &Site,
    member: &Member,
    lang: LangContext,
) {
    let Some(writer) = object(out, site, member, "ResultWriter") else {
        return;
    };
    check_members(
        out,
        &writer,
        &member.value,
        RESULT_WRITER,
        lang,
        |out, m| {
            if m.key == "WriterConfig" {
                if let Some(config) = object(out, &writer, m, "ResultWriter.WriterConfig") {
                    check_members(out, &config, &m.value, WRITER_CONFIG, lang, |_, _| {});
                    if m.value.member("OutputType").is_none() {
                        out.push(
                            config
                                .finding(
                                    m.key_span,
                                    format!("{} has no \"OutputType\"", config.subject()),
                                )
                                .help("add \"OutputType\": \"JSON\" or \"JSONL\""),
                        );
                    }
                }
            }
        },
    );
}

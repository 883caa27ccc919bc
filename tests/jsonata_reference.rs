//! Differential test against the reference JSONata parser: every expression of
//! tests/data/jsonata-verdicts.tsv (written by scripts/jsonata-verdicts.mjs with npm
//! jsonata@2.0.6) must get the reference's verdict from our parser. Where both reject an
//! expression, the test also measures how often they agree on the error and its place.

use asl_lint::jsonata;

const TABLE: &str = include_str!("data/jsonata-verdicts.tsv");

/// The committed table, or the one `JSONATA_VERDICTS` names (see the script's `--random`).
fn table() -> (String, bool) {
    match std::env::var("JSONATA_VERDICTS") {
        Ok(path) => (
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
            false,
        ),
        Err(_) => (TABLE.to_string(), true),
    }
}

struct Row {
    expression: String,
    valid: bool,
    code: String,
    /// UTF-16 offset, as the reference reports it.
    position: Option<usize>,
}

fn rows() -> Vec<Row> {
    table()
        .0
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "malformed row: {line}");
            Row {
                expression: serde_json::from_str(fields[0]).expect("expression is a JSON string"),
                valid: match fields[1] {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("unknown verdict {other}"),
                },
                code: fields[2].to_string(),
                position: fields[3].parse().ok(),
            }
        })
        .collect()
}

fn utf16(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].encode_utf16().count()
}

#[test]
fn verdicts_match_the_reference() {
    let rows = rows();
    if table().1 {
        assert!(rows.len() >= 1500, "the table has {} rows", rows.len());
    }
    let mut mismatches = Vec::new();
    let (mut invalid, mut same_code, mut same_place) = (0, 0, 0);
    for row in &rows {
        let ours = jsonata::parse(&row.expression);
        if ours.is_ok() != row.valid {
            mismatches.push(format!(
                "{:?}: reference says {}, we say {}",
                row.expression,
                if row.valid {
                    "valid".to_string()
                } else {
                    format!("invalid ({} at {:?})", row.code, row.position)
                },
                match &ours {
                    Ok(_) => "valid".to_string(),
                    Err(e) => format!("invalid ({e})"),
                }
            ));
            continue;
        }
        if let Err(e) = ours {
            invalid += 1;
            if e.code.as_str() == row.code {
                same_code += 1;
            }
            // The reference reports one offset (mostly the end of the offending token); ours
            // is a range. They agree when the offset falls in or just after the range.
            if let Some(p) = row.position {
                let (start, end) = (
                    utf16(&row.expression, e.span.start),
                    utf16(&row.expression, e.span.end),
                );
                if start <= p && p <= end {
                    same_place += 1;
                }
            }
        }
    }
    println!(
        "{} expressions; {invalid} invalid: same error code on {same_code}, same place on {same_place}",
        rows.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} verdicts differ from jsonata@2.0.6:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn error_spans_stay_inside_the_expression() {
    for row in rows() {
        if let Err(e) = jsonata::parse(&row.expression) {
            assert!(
                e.span.start <= e.span.end && e.span.end <= row.expression.len(),
                "{:?}: {e}",
                row.expression
            );
            assert!(
                row.expression.is_char_boundary(e.span.start)
                    && row.expression.is_char_boundary(e.span.end)
            );
        }
    }
}

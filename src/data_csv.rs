//! The report's data files: rows of already formatted values written as CSV with the `csv`
//! crate (RFC 4180, `\n` line ends, a field quoted only when it holds a comma, a quote or a
//! line break).

/// Writes `rows` as CSV under `header`.
pub fn csv<R, I>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = String>,
{
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::new());
    let written = w.write_record(header).and_then(|()| {
        rows.into_iter()
            .try_for_each(|row| w.write_record(row.into_iter().collect::<Vec<String>>()))
    });
    written.expect("writing to memory cannot fail");
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the fields are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::csv;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let text = csv(
            &["a", "b"],
            [
                vec!["1".to_string(), "x,y".to_string()],
                vec!["say \"hi\"".to_string(), String::new()],
            ],
        );
        assert_eq!(text, "a,b\n1,\"x,y\"\n\"say \"\"hi\"\"\",\n");
    }
}

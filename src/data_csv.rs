//! The report's data files: rows of already formatted values written as CSV with the `csv`
//! crate (RFC 4180, `\n` line ends, a field quoted only when it holds a comma, a quote or a
//! line break).

/// A number for a data file: the shortest text that reads back to the same `f64`, in plain
/// decimals, or in exponent form when plain decimals would be long (below 1e-6 or from 1e16
/// in magnitude: a subnormal would otherwise take 300 digits).
pub fn number(x: f64) -> String {
    let a = x.abs();
    if x != 0.0 && a.is_finite() && !(1e-6..1e16).contains(&a) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

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
    use super::{csv, number};

    #[test]
    fn numbers_are_short_and_read_back_exactly() {
        for (x, text) in [
            (20.0, "20"),
            (0.25, "0.25"),
            (5e-324, "5e-324"),
            (1e-300, "1e-300"),
            (-3e20, "-3e20"),
            (0.0, "0"),
        ] {
            assert_eq!(number(x), text);
            assert_eq!(number(x).parse::<f64>().unwrap().to_bits(), f64::to_bits(x));
        }
    }

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

//! A strict reader for the one shape of JSON the program reads back: the report's manifest, an
//! object whose values are strings or objects of strings.
//!
//! Anything else (numbers, arrays, `true`, a duplicate key, text after the object, a nesting
//! deeper than two objects) is refused, which is the safe answer here: a folder whose manifest
//! is not read as one of ours is never replaced. Written out instead of depending on
//! `serde_json`, which cost a new user's first build about 3.5 s for this one use.

use std::collections::BTreeMap;

/// A value of the accepted shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string.
    String(String),
    /// An object, keys in sorted order.
    Object(BTreeMap<String, Value>),
}

/// Objects nested deeper than this are refused (the manifest has two levels).
const MAX_DEPTH: usize = 2;

/// Parses `bytes` as one JSON object of the accepted shape; `None` for anything else.
pub fn parse(bytes: &[u8]) -> Option<BTreeMap<String, Value>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader { rest: text };
    reader.skip_space();
    let object = reader.object(1)?;
    reader.skip_space();
    reader.rest.is_empty().then_some(object)
}

struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t', '\n', '\r']);
    }

    /// The next character, consumed.
    fn next(&mut self) -> Option<char> {
        let mut chars = self.rest.chars();
        let c = chars.next()?;
        self.rest = chars.as_str();
        Some(c)
    }

    /// The next character after optional whitespace, not consumed.
    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.rest.chars().next()
    }

    /// Consumes `c` after optional whitespace.
    fn expect(&mut self, c: char) -> Option<()> {
        (self.peek()? == c).then(|| self.rest = &self.rest[c.len_utf8()..])
    }

    fn object(&mut self, depth: usize) -> Option<BTreeMap<String, Value>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.expect('{')?;
        let mut out = BTreeMap::new();
        if self.expect('}').is_some() {
            return Some(out);
        }
        // Each turn consumes at least a key, so the loop ends with the input.
        loop {
            let key = self.string()?;
            self.expect(':')?;
            let value = match self.peek()? {
                '"' => Value::String(self.string()?),
                '{' => Value::Object(self.object(depth + 1)?),
                _ => return None,
            };
            if out.insert(key, value).is_some() {
                return None;
            }
            if self.expect('}').is_some() {
                return Some(out);
            }
            self.expect(',')?;
        }
    }

    /// A string with JSON's escapes; control characters and lone surrogates are refused.
    fn string(&mut self) -> Option<String> {
        self.expect('"')?;
        let mut out = String::new();
        // Each turn consumes a character, so the loop ends with the input.
        loop {
            match self.next()? {
                '"' => return Some(out),
                '\\' => out.push(match self.next()? {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => self.unicode_escape()?,
                    _ => return None,
                }),
                '\0'..='\u{1f}' => return None,
                c => out.push(c),
            }
        }
    }

    /// The four hex digits after `\u`, and a second escape for a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if !(0xd800..0xdc00).contains(&first) {
            return char::from_u32(first);
        }
        self.rest = self.rest.strip_prefix("\\u")?;
        let second = self.hex4()?;
        if !(0xdc00..0xe000).contains(&second) {
            return None;
        }
        char::from_u32(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.rest.get(..4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.rest = &self.rest[4..];
        u32::from_str_radix(digits, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{Value, parse};

    fn string(s: &str) -> Value {
        Value::String(s.into())
    }

    #[test]
    fn reads_objects_of_strings_in_any_layout() {
        let compact =
            parse(br#"{"generator":"neuroreport 1","files":{"a/b":"0","c":"1"}}"#).expect("valid");
        let spaced = parse(
            b" {\n  \"generator\" : \"neuroreport 1\",\r\n\t\"files\": {\"c\": \"1\", \"a/b\": \"0\"}\n}\n",
        )
        .expect("valid");
        assert_eq!(compact, spaced);
        assert_eq!(compact["generator"], string("neuroreport 1"));
        let Value::Object(files) = &compact["files"] else {
            panic!("files is an object")
        };
        assert_eq!(files["a/b"], string("0"));
        assert!(parse(b"{}").expect("valid").is_empty());
    }

    #[test]
    fn reads_escapes() {
        let v = parse(br#"{"k":"q\" b\\ s\/ n\n t\t u\u00e9 pair\ud83d\ude00 \u4e2d"}"#).unwrap();
        assert_eq!(
            v["k"],
            string("q\" b\\ s/ n\n t\t u\u{e9} pair\u{1f600} \u{4e2d}")
        );
        let raw = parse("{\"k\":\"é中😀\"}".as_bytes()).unwrap();
        assert_eq!(raw["k"], string("é中😀"));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            &b""[..],
            b"[]",
            b"\"s\"",
            b"{",
            b"{\"a\":\"b\"",
            b"{\"a\":\"b\",}",
            b"{\"a\" \"b\"}",
            b"{\"a\":1}",
            b"{\"a\":true}",
            b"{\"a\":null}",
            b"{\"a\":[\"b\"]}",
            b"{\"a\":\"b\",\"a\":\"c\"}",
            b"{\"a\":\"b\"} x",
            b"{\"a\":\"b\"}{}",
            b"{\"a\":{\"b\":{\"c\":\"d\"}}}",
            b"{\"a\":\"line\nbreak\"}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":\"\\u12\"}",
            b"{a:\"b\"}",
            b"{\"a\":\"\xff\"}",
        ] {
            assert_eq!(parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}

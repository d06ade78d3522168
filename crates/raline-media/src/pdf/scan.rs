//! Syntax pre-scan that runs before lopdf parses a PDF.
//!
//! lopdf 0.38 parses nested arrays and dictionaries recursively without a depth limit, so a
//! file of `[[[[…` overflows the stack and aborts the process, which `catch_unwind` cannot
//! stop. It also decompresses object streams and cross-reference streams without a size limit.
//! This scan bounds both, and it also finds names that mark active content or encryption.
//!
//! Parsers start reading an object at an offset taken from the cross-reference table, or from
//! a search for `obj` when they repair a damaged file. So the scan does not read the file once
//! from the top: it lexes one object after every `obj` and `trailer` keyword found anywhere,
//! including inside strings and stream data, where a crafted cross-reference entry could point.
//! Objects in decoded object streams are lexed from the offsets in the stream's index and once
//! in sequence. The total work is bounded, so crafted overlaps fail instead of taking
//! quadratic time.

use std::borrow::Cow;

use super::check_name;
use super::filters::{self, Filter, Output, is_whitespace};
use crate::UploadError;

/// Maximum nesting of arrays and dictionaries. Real files nest 3 to 6 levels, and lopdf's
/// recursive parser must stay well inside a 2 MiB thread stack.
const MAX_DEPTH: usize = 32;

/// Maximum bytes decoded from all streams of one file together. A 300 dpi A4 colour page in
/// FlateDecode is about 26 MB, so scanned letters of a few pages fit.
const MAX_DECODED_BYTES: usize = 128 * 1024 * 1024;

/// Maximum decoded size of one object stream, which lopdf keeps in memory and parses. Object
/// streams of ordinary documents are well below 1 MiB.
const MAX_OBJECT_STREAM_BYTES: usize = 16 * 1024 * 1024;

/// Bytes lexed per byte of input before the file counts as crafted. An ordinary file lexes
/// each object once, so about 1 byte per byte.
const LEX_WORK_FACTOR: usize = 8;

/// Fixed allowance of lexed bytes on top of [`LEX_WORK_FACTOR`], for very small files.
const LEX_WORK_BASE: usize = 1024 * 1024;

/// Names longer than this are truncated while lexing. PDF 1.7 (ISO 32000-1, annex C) limits
/// names to 127 bytes, and every name checked here is shorter.
const MAX_NAME_BYTES: usize = 127;

/// Checks nesting depth, decoded stream sizes and forbidden names in every object.
pub(crate) fn prescan(bytes: &[u8]) -> Result<(), UploadError> {
    let mut scan = Scan {
        lexed: 0,
        max_lexed: bytes
            .len()
            .saturating_mul(LEX_WORK_FACTOR)
            .saturating_add(LEX_WORK_BASE),
        decoded: 0,
    };
    for start in object_starts(bytes) {
        scan.object(bytes, start, Place::File)?;
    }
    Ok(())
}

/// Returns the offsets just after every `obj` keyword, except in `endobj`, and every `trailer`
/// keyword: each is where a parser may start reading an object.
fn object_starts(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..bytes.len()).filter_map(move |index| {
        let rest = &bytes[index..];
        if rest.starts_with(b"obj") && !bytes[..index].ends_with(b"end") {
            Some(index + 3)
        } else if rest.starts_with(b"trailer") {
            Some(index + 7)
        } else {
            None
        }
    })
}

/// Source of the lexed bytes: the file itself, or the decoded data of an object stream, which
/// cannot contain streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    File,
    ObjectStream,
}

struct Scan {
    lexed: usize,
    max_lexed: usize,
    decoded: usize,
}

impl Scan {
    /// Lexes one object starting at `start`, then the stream data that follows a dictionary.
    fn object(&mut self, data: &[u8], start: usize, place: Place) -> Result<(), UploadError> {
        let mut lexer = Lexer::new(data, start);
        let mut depth = 0;
        let mut tracker: Option<DictTracker> = None;

        while let Some(token) = lexer.next() {
            if let Token::Name(name) = &token {
                check_name(name)?;
            }
            if depth == 0 && !matches!(token, Token::ArrayOpen | Token::DictOpen) {
                // A scalar object, or a stray closer that ends the parse.
                break;
            }
            if let Some(tracker) = tracker.as_mut() {
                tracker.observe(&token, depth);
            }
            match token {
                Token::ArrayOpen | Token::DictOpen => {
                    if depth == 0 && token == Token::DictOpen {
                        tracker = Some(DictTracker::default());
                    }
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(too_deep());
                    }
                }
                Token::ArrayClose | Token::DictClose => {
                    depth -= 1;
                    if depth == 0 {
                        if let (Some(tracker), Place::File) = (tracker.take(), place) {
                            let after_object = lexer.pos;
                            if lexer.next() == Some(Token::Regular(b"stream")) {
                                self.stream(data, lexer.pos, &tracker.dict)?;
                            }
                            lexer.pos = after_object;
                        }
                        break;
                    }
                }
                _ => {}
            }
        }
        self.count_lexed(lexer.pos.saturating_sub(start))
    }

    /// Lexes all of `data` in sequence, as a viewer reading an object stream from its start.
    fn sequence(&mut self, data: &[u8]) -> Result<(), UploadError> {
        let mut lexer = Lexer::new(data, 0);
        let mut depth: usize = 0;
        while let Some(token) = lexer.next() {
            match token {
                Token::Name(name) => check_name(&name)?,
                Token::ArrayOpen | Token::DictOpen => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(too_deep());
                    }
                }
                Token::ArrayClose | Token::DictClose => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        self.count_lexed(data.len())
    }

    /// Decodes the data after a `stream` keyword under the byte budget, and lexes it when the
    /// dictionary makes it an object stream.
    fn stream(
        &mut self,
        data: &[u8],
        after_keyword: usize,
        dict: &StreamDict,
    ) -> Result<(), UploadError> {
        let body = &data[stream_data_start(data, after_keyword)..];
        let object_stream = dict.is_object_stream();
        if object_stream && dict.has_decode_parms {
            // Predictors would have to be undone before the objects can be lexed.
            return Err(UploadError::pdf_too_complex(
                "object stream with decode parameters",
            ));
        }

        let mut chain = Vec::new();
        match &dict.filter {
            FilterSpec::Absent => {}
            FilterSpec::Names(names) => {
                for name in names {
                    match Filter::from_name(name) {
                        Some(filter) => chain.push(filter),
                        // lopdf stops at a filter it cannot decode, and so does this scan,
                        // but objects hidden behind such a filter could not be checked.
                        None if object_stream => {
                            return Err(UploadError::pdf_too_complex(
                                "object stream with an unsupported filter",
                            ));
                        }
                        None => break,
                    }
                }
            }
            FilterSpec::Other if object_stream => {
                return Err(UploadError::pdf_too_complex(
                    "object stream with an indirect filter",
                ));
            }
            // lopdf cannot decode a stream whose filter is not a direct name or array.
            FilterSpec::Other => return Ok(()),
        }

        if !object_stream {
            if !chain.is_empty() {
                self.decode_chain(body, &chain, false)?;
            }
            return Ok(());
        }

        // Without a filter the stream data ends at /Length, which may be an indirect object,
        // so lex everything up to the end of the file instead.
        let content = if chain.is_empty() {
            body[..body.len().min(MAX_OBJECT_STREAM_BYTES)].to_vec()
        } else {
            self.decode_chain(body, &chain, true)?
        };
        self.object_stream(&content, dict.first)
    }

    /// Decodes `body` through each filter in turn. Every stage counts against
    /// [`MAX_DECODED_BYTES`], and the last stage's output is kept only when `keep_last` is set.
    fn decode_chain(
        &mut self,
        body: &[u8],
        chain: &[Filter],
        keep_last: bool,
    ) -> Result<Vec<u8>, UploadError> {
        let mut input = Cow::Borrowed(body);
        for (index, filter) in chain.iter().enumerate() {
            let is_last = index + 1 == chain.len();
            let remaining = MAX_DECODED_BYTES.saturating_sub(self.decoded);
            let object_stream_limit = keep_last && is_last && remaining > MAX_OBJECT_STREAM_BYTES;
            let mut output = match (is_last, keep_last) {
                (true, false) => Output::counting(remaining),
                (true, true) => Output::keeping(remaining.min(MAX_OBJECT_STREAM_BYTES)),
                (false, _) => Output::keeping(remaining),
            };
            let result = filters::decode(*filter, &input, &mut output);
            self.decoded += output.len();
            if result.is_err() {
                return Err(UploadError::pdf_too_complex(if object_stream_limit {
                    "an object stream decompresses to more than 16 MiB"
                } else {
                    "streams decompress to more than 128 MiB in total"
                }));
            }
            input = Cow::Owned(output.into_bytes());
        }
        Ok(input.into_owned())
    }

    /// Lexes a decoded object stream in sequence, and once from each offset in its index.
    fn object_stream(&mut self, content: &[u8], first: Option<usize>) -> Result<(), UploadError> {
        self.max_lexed = self
            .max_lexed
            .saturating_add(content.len().saturating_mul(LEX_WORK_FACTOR));
        self.sequence(content)?;
        let Some(first) = first else {
            return Ok(());
        };
        let index = content.get(..first).unwrap_or(content);
        // The index contains pairs of object number and offset relative to /First.
        let offsets = index
            .split(|&byte| is_whitespace(byte))
            .filter(|word| !word.is_empty())
            .skip(1)
            .step_by(2)
            .filter_map(parse_usize);
        for offset in offsets {
            let start = first.saturating_add(offset);
            if start < content.len() {
                self.object(content, start, Place::ObjectStream)?;
            }
        }
        Ok(())
    }

    fn count_lexed(&mut self, bytes: usize) -> Result<(), UploadError> {
        self.lexed = self.lexed.saturating_add(bytes);
        if self.lexed > self.max_lexed {
            return Err(UploadError::pdf_too_complex(
                "objects overlap in a way that only crafted files do",
            ));
        }
        Ok(())
    }
}

fn too_deep() -> UploadError {
    UploadError::pdf_too_complex(format!(
        "arrays or dictionaries nested deeper than {MAX_DEPTH} levels"
    ))
}

/// Returns where stream data starts: after the `stream` keyword, optional spaces or tabs and
/// one end-of-line marker (CR LF, LF or a lone CR, as lopdf accepts).
fn stream_data_start(data: &[u8], after_keyword: usize) -> usize {
    let mut pos = after_keyword;
    while matches!(data.get(pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    let rest = data.get(pos..).unwrap_or_default();
    if rest.starts_with(b"\r\n") {
        pos += 2;
    } else if rest.starts_with(b"\n") || rest.starts_with(b"\r") {
        pos += 1;
    }
    pos.min(data.len())
}

fn parse_usize(word: &[u8]) -> Option<usize> {
    if word.is_empty() || !word.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(word).ok()?.parse().ok()
}

/// Value of a stream dictionary's /Filter entry.
#[derive(Debug, Default)]
enum FilterSpec {
    #[default]
    Absent,
    /// A name, or an array of names, in decoding order.
    Names(Vec<Vec<u8>>),
    /// An indirect reference or another value that lopdf does not decode.
    Other,
}

/// Entries of a stream dictionary that decide how the scan treats the stream data.
#[derive(Debug, Default)]
struct StreamDict {
    filter: FilterSpec,
    type_is_object_stream: bool,
    has_count: bool,
    has_first: bool,
    first: Option<usize>,
    has_decode_parms: bool,
}

impl StreamDict {
    /// Returns true for a stream that a viewer may parse as an object stream: /Type /ObjStm,
    /// or the /N and /First entries that reading one requires.
    fn is_object_stream(&self) -> bool {
        self.type_is_object_stream || (self.has_count && self.has_first)
    }
}

/// Reads key and value pairs at the top level of an object's dictionary from the token stream.
#[derive(Debug, Default)]
struct DictTracker {
    dict: StreamDict,
    /// Key read at the top level whose value has not started yet, or is an open container.
    pending_key: Option<Vec<u8>>,
    in_filter_array: bool,
}

impl DictTracker {
    /// Takes a token seen at `depth`, counted before the token opens or closes anything.
    fn observe(&mut self, token: &Token<'_>, depth: usize) {
        match (depth, token) {
            (1, _) => self.observe_top_level(token),
            // The container with the value of the pending key closes.
            (2, Token::ArrayClose | Token::DictClose) => {
                self.pending_key = None;
                self.in_filter_array = false;
            }
            (2, Token::Name(name)) if self.in_filter_array => {
                if let FilterSpec::Names(names) = &mut self.dict.filter {
                    names.push(name.clone());
                }
            }
            (2, _) if self.in_filter_array => self.dict.filter = FilterSpec::Other,
            _ => {}
        }
    }

    fn observe_top_level(&mut self, token: &Token<'_>) {
        let Some(key) = self.pending_key.take() else {
            // Only a name can be a key. Other tokens here are the rest of a value, such as the
            // "0 R" of a reference.
            if let Token::Name(name) = token {
                match name.as_slice() {
                    b"N" => self.dict.has_count = true,
                    b"First" => self.dict.has_first = true,
                    b"DecodeParms" | b"DP" => self.dict.has_decode_parms = true,
                    _ => {}
                }
                self.pending_key = Some(name.clone());
            }
            return;
        };

        // Later duplicate keys replace earlier ones, as in lopdf's dictionary parser.
        match (key.as_slice(), token) {
            (b"Type", Token::Name(value)) => {
                self.dict.type_is_object_stream = value.as_slice() == b"ObjStm";
            }
            (b"Filter", Token::Name(value)) => {
                self.dict.filter = FilterSpec::Names(vec![value.clone()]);
            }
            (b"Filter", Token::ArrayOpen) => {
                self.dict.filter = FilterSpec::Names(Vec::new());
                self.in_filter_array = true;
                // Keep the key until the array closes.
                self.pending_key = Some(key);
            }
            (b"Filter", _) => self.dict.filter = FilterSpec::Other,
            (b"First", Token::Regular(word)) => self.dict.first = parse_usize(word),
            (_, Token::ArrayOpen | Token::DictOpen) => self.pending_key = Some(key),
            _ => {}
        }
    }
}

/// Lexical token of PDF syntax. String contents are skipped, because names inside strings are
/// text, not syntax.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    /// A name with `#xx` escapes decoded, truncated after [`MAX_NAME_BYTES`].
    Name(Vec<u8>),
    /// A number or keyword such as `R`, `obj` or `stream`.
    Regular(&'a [u8]),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// A literal or hexadecimal string, a brace, or a stray `)` or `>`.
    Other,
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer { data, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        self.skip_whitespace_and_comments();
        let byte = self.peek()?;
        self.pos += 1;
        let token = match byte {
            b'[' => Token::ArrayOpen,
            b']' => Token::ArrayClose,
            b'<' if self.peek() == Some(b'<') => {
                self.pos += 1;
                Token::DictOpen
            }
            b'>' if self.peek() == Some(b'>') => {
                self.pos += 1;
                Token::DictClose
            }
            b'<' => {
                self.skip_hex_string();
                Token::Other
            }
            b'(' => {
                self.skip_literal_string();
                Token::Other
            }
            b'/' => Token::Name(self.name()),
            b')' | b'>' | b'{' | b'}' => Token::Other,
            _ => {
                let start = self.pos - 1;
                while self.peek().is_some_and(is_regular) {
                    self.pos += 1;
                }
                Token::Regular(&self.data[start..self.pos])
            }
        };
        Some(token)
    }

    fn skip_whitespace_and_comments(&mut self) {
        while let Some(byte) = self.peek() {
            if is_whitespace(byte) {
                self.pos += 1;
            } else if byte == b'%' {
                while self
                    .peek()
                    .is_some_and(|byte| byte != b'\r' && byte != b'\n')
                {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Skips to after the `)` that balances the opening one, honouring backslash escapes.
    fn skip_literal_string(&mut self) {
        let mut open = 1usize;
        while let Some(byte) = self.peek() {
            self.pos += 1;
            match byte {
                b'\\' => self.pos = (self.pos + 1).min(self.data.len()),
                b'(' => open += 1,
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn skip_hex_string(&mut self) {
        while let Some(byte) = self.peek() {
            self.pos += 1;
            if byte == b'>' {
                return;
            }
        }
    }

    /// Reads a name after its `/`, decoding `#xx` escapes so `/J#53` matches `/JS`.
    fn name(&mut self) -> Vec<u8> {
        let mut name = Vec::new();
        while let Some(byte) = self.peek().filter(|&byte| is_regular(byte)) {
            self.pos += 1;
            let decoded = if byte == b'#' {
                match self.hex_escape() {
                    Some(value) => value,
                    None => byte,
                }
            } else {
                byte
            };
            if name.len() <= MAX_NAME_BYTES {
                name.push(decoded);
            }
        }
        name
    }

    fn hex_escape(&mut self) -> Option<u8> {
        let digits = self.data.get(self.pos..self.pos + 2)?;
        let text = std::str::from_utf8(digits).ok()?;
        let value = u8::from_str_radix(text, 16).ok()?;
        self.pos += 2;
        Some(value)
    }
}

/// Returns true for bytes that are neither whitespace nor a PDF delimiter.
fn is_regular(byte: u8) -> bool {
    !is_whitespace(byte) && !b"()<>[]{}/%".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(data: &[u8]) -> Vec<Token<'_>> {
        let mut lexer = Lexer::new(data, 0);
        std::iter::from_fn(|| lexer.next()).collect()
    }

    #[test]
    fn lexer_decodes_name_escapes() {
        assert_eq!(
            tokens(b"/J#61vaScript"),
            [Token::Name(b"JavaScript".to_vec())]
        );
    }

    #[test]
    fn lexer_skips_strings_and_comments() {
        assert_eq!(
            tokens(b"(a /JS (nested) \\) [) % /JS\n<2F4A53> <<"),
            [Token::Other, Token::Other, Token::DictOpen]
        );
    }

    #[test]
    fn object_starts_skip_endobj() {
        let starts: Vec<_> = object_starts(b"1 0 obj 5 endobj trailer").collect();
        assert_eq!(starts, [7, 24]);
    }

    #[test]
    fn deep_nesting_rejected() {
        let mut data = b"1 0 obj ".to_vec();
        data.extend(std::iter::repeat_n(b'[', 100_000));
        let error = prescan(&data).unwrap_err();
        assert_eq!(error.code(), "pdf_too_complex");
    }

    #[test]
    fn nesting_hidden_in_string_still_rejected() {
        // A cross-reference entry could point at the "obj" inside the string.
        let mut data = b"1 0 obj (2 0 obj ".to_vec();
        data.extend(std::iter::repeat_n(b'[', 1_000));
        data.extend_from_slice(b") endobj");
        assert_eq!(prescan(&data).unwrap_err().code(), "pdf_too_complex");
    }

    #[test]
    fn escaped_javascript_name_rejected() {
        let data = b"1 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj";
        assert_eq!(prescan(data).unwrap_err().code(), "pdf_active_content");
    }

    #[test]
    fn javascript_in_compressed_object_stream_rejected() {
        let objects = b"5 0 << /S /JavaScript /JS (app.alert(1)) >>";
        let compressed = zlib(objects);
        let mut data = format!(
            "1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >> stream\n",
            compressed.len()
        )
        .into_bytes();
        data.extend_from_slice(&compressed);
        data.extend_from_slice(b"\nendstream endobj");
        assert_eq!(prescan(&data).unwrap_err().code(), "pdf_active_content");
    }

    #[test]
    fn object_stream_bomb_rejected() {
        let compressed = zlib(&vec![b' '; 40 << 20]);
        let mut data =
            b"1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode] >> stream\n".to_vec();
        data.extend_from_slice(&compressed);
        data.extend_from_slice(b"\nendstream endobj");
        assert_eq!(prescan(&data).unwrap_err().code(), "pdf_too_complex");
    }

    #[test]
    fn plain_objects_accepted() {
        let data = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                     2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
                     trailer << /Root 1 0 R /Size 4 >>";
        assert_eq!(prescan(data), Ok(()));
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }
}

//! PDF stream filters decoded under an output limit.
//!
//! lopdf 0.38 decompresses object streams and cross-reference streams while loading, with no
//! limit on the output, so a few kilobytes of nested FlateDecode can expand to gigabytes. The
//! pre-scan runs these decoders first and stops at a byte budget. Decoding errors end the
//! output early, as they do in lopdf and in browsers' PDF viewers, instead of failing.

/// Stream filter that the pre-scan can decode. Image filters (DCTDecode, JPXDecode,
/// CCITTFaxDecode, JBIG2Decode) and Crypt are not decoded: lopdf does not decode them either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    Flate,
    Lzw,
    Ascii85,
    AsciiHex,
    RunLength,
}

impl Filter {
    /// Maps a filter name, including the abbreviations allowed in inline images.
    pub(crate) fn from_name(name: &[u8]) -> Option<Filter> {
        match name {
            b"FlateDecode" | b"Fl" => Some(Filter::Flate),
            b"LZWDecode" | b"LZW" => Some(Filter::Lzw),
            b"ASCII85Decode" | b"A85" => Some(Filter::Ascii85),
            b"ASCIIHexDecode" | b"AHx" => Some(Filter::AsciiHex),
            b"RunLengthDecode" | b"RL" => Some(Filter::RunLength),
            _ => None,
        }
    }
}

/// Decoded bytes would pass the limit of the [`Output`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LimitExceeded;

/// Destination of decoded bytes with a size limit. It either keeps the bytes or only counts
/// them, which lets the pre-scan measure a stream it does not need to read.
pub(crate) struct Output {
    bytes: Vec<u8>,
    keep: bool,
    len: usize,
    limit: usize,
}

impl Output {
    pub(crate) fn keeping(limit: usize) -> Output {
        Output {
            bytes: Vec::new(),
            keep: true,
            len: 0,
            limit,
        }
    }

    pub(crate) fn counting(limit: usize) -> Output {
        Output {
            bytes: Vec::new(),
            keep: false,
            len: 0,
            limit,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    fn push(&mut self, data: &[u8]) -> Result<(), LimitExceeded> {
        self.len += data.len();
        if self.len > self.limit {
            return Err(LimitExceeded);
        }
        if self.keep {
            self.bytes.extend_from_slice(data);
        }
        Ok(())
    }
}

/// Size of the scratch buffer that the streaming decoders write into.
const CHUNK: usize = 64 * 1024;

/// Decodes `input` with one filter, appending to `output`.
pub(crate) fn decode(
    filter: Filter,
    input: &[u8],
    output: &mut Output,
) -> Result<(), LimitExceeded> {
    match filter {
        Filter::Flate => inflate(input, output),
        Filter::Lzw => lzw(input, output),
        Filter::Ascii85 => ascii85(input, output),
        Filter::AsciiHex => ascii_hex(input, output),
        Filter::RunLength => run_length(input, output),
    }
}

/// Decodes zlib-wrapped deflate data, as PDF's FlateDecode specifies.
fn inflate(input: &[u8], output: &mut Output) -> Result<(), LimitExceeded> {
    use flate2::{Decompress, FlushDecompress, Status};

    let mut inflater = Decompress::new(true);
    let mut chunk = vec![0; CHUNK];
    loop {
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(input.len());
        let before_out = inflater.total_out();
        let remaining = input.get(consumed..).unwrap_or_default();
        let status = inflater.decompress(remaining, &mut chunk, FlushDecompress::None);
        let produced = usize::try_from(inflater.total_out() - before_out).unwrap_or(CHUNK);
        output.push(&chunk[..produced])?;
        let progressed = produced > 0 || inflater.total_in() as usize > consumed;
        match status {
            Ok(Status::StreamEnd) | Err(_) => return Ok(()),
            Ok(_) if !progressed => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// Decodes LZW with the early code-size change, PDF's default for /EarlyChange.
fn lzw(input: &[u8], output: &mut Output) -> Result<(), LimitExceeded> {
    use weezl::{BitOrder, LzwStatus, decode::Decoder};

    let mut decoder = Decoder::with_tiff_size_switch(BitOrder::Msb, 8);
    let mut chunk = vec![0; CHUNK];
    let mut remaining = input;
    loop {
        let result = decoder.decode_bytes(remaining, &mut chunk);
        output.push(&chunk[..result.consumed_out])?;
        remaining = &remaining[result.consumed_in..];
        match result.status {
            Ok(LzwStatus::Ok) if result.consumed_in > 0 || result.consumed_out > 0 => {}
            Ok(_) | Err(_) => return Ok(()),
        }
    }
}

/// Decodes ASCII base-85, where `z` stands for four zero bytes and `~>` ends the data.
fn ascii85(input: &[u8], output: &mut Output) -> Result<(), LimitExceeded> {
    let mut group = [0u8; 5];
    let mut filled = 0;
    for &byte in input {
        match byte {
            b'~' => break,
            b'z' if filled == 0 => output.push(&[0; 4])?,
            b'!'..=b'u' => {
                group[filled] = byte - b'!';
                filled += 1;
                if filled == 5 {
                    output.push(&ascii85_group(&group))?;
                    filled = 0;
                }
            }
            byte if is_whitespace(byte) => {}
            _ => break,
        }
    }
    if filled > 1 {
        // A final group of n digits is padded with 'u' (84) and yields n - 1 bytes.
        group[filled..].fill(84);
        output.push(&ascii85_group(&group)[..filled - 1])?;
    }
    Ok(())
}

fn ascii85_group(group: &[u8; 5]) -> [u8; 4] {
    // Five digits of up to 84 can exceed u32 ("uuuuu"). lopdf rejects that group, but this
    // scan only measures the output size, so wrapping is harmless.
    let value = group.iter().fold(0u32, |value, &digit| {
        value.wrapping_mul(85).wrapping_add(u32::from(digit))
    });
    value.to_be_bytes()
}

/// Decodes hexadecimal pairs, ignoring whitespace, until `>`.
fn ascii_hex(input: &[u8], output: &mut Output) -> Result<(), LimitExceeded> {
    let mut high: Option<u8> = None;
    for &byte in input {
        let nibble = match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            b'A'..=b'F' => byte - b'A' + 10,
            byte if is_whitespace(byte) => continue,
            _ => break,
        };
        match high.take() {
            Some(high_nibble) => output.push(&[high_nibble << 4 | nibble])?,
            None => high = Some(nibble),
        }
    }
    if let Some(high_nibble) = high {
        output.push(&[high_nibble << 4])?;
    }
    Ok(())
}

/// Decodes PackBits-style run lengths: 0..=127 copies n + 1 bytes, 129..=255 repeats the
/// next byte 257 - n times, and 128 ends the data.
fn run_length(input: &[u8], output: &mut Output) -> Result<(), LimitExceeded> {
    let mut pos = 0;
    while let Some(&length) = input.get(pos) {
        pos += 1;
        match length {
            0..=127 => {
                let end = (pos + usize::from(length) + 1).min(input.len());
                output.push(&input[pos..end])?;
                pos = end;
            }
            128 => break,
            129..=255 => {
                let Some(&byte) = input.get(pos) else { break };
                pos += 1;
                output.push(&[byte; 128][..257 - usize::from(length)])?;
            }
        }
    }
    Ok(())
}

/// PDF whitespace: NUL, tab, line feed, form feed, carriage return and space.
pub(crate) fn is_whitespace(byte: u8) -> bool {
    matches!(byte, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(filter: Filter, input: &[u8]) -> Vec<u8> {
        let mut output = Output::keeping(1 << 20);
        decode(filter, input, &mut output).unwrap();
        output.into_bytes()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn flate_round_trip() {
        assert_eq!(decoded(Filter::Flate, &zlib(b"1 0 obj")), b"1 0 obj");
    }

    #[test]
    fn flate_stops_at_limit() {
        let bomb = zlib(&vec![0; 4 << 20]);
        let mut output = Output::counting(1 << 20);
        assert_eq!(
            decode(Filter::Flate, &bomb, &mut output),
            Err(LimitExceeded)
        );
    }

    #[test]
    fn flate_garbage_gives_no_output() {
        assert_eq!(decoded(Filter::Flate, b"\xFF\xD8\xFF\xE0 not zlib"), b"");
    }

    #[test]
    fn lzw_round_trip() {
        let mut encoder = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let encoded = encoder.encode(b"/JavaScript /JavaScript").unwrap();
        assert_eq!(decoded(Filter::Lzw, &encoded), b"/JavaScript /JavaScript");
    }

    #[test]
    fn ascii85_decodes_groups_and_z() {
        assert_eq!(
            decoded(Filter::Ascii85, b"87cURD]j7BEbo80~>"),
            b"Hello world!"
        );
        assert_eq!(decoded(Filter::Ascii85, b"z~>"), [0; 4]);
    }

    #[test]
    fn ascii_hex_pads_odd_digit() {
        assert_eq!(decoded(Filter::AsciiHex, b"2F 4A 53 7>"), b"/JSp");
    }

    #[test]
    fn run_length_copies_and_repeats() {
        assert_eq!(
            decoded(Filter::RunLength, b"\x01ab\xFEx\x80ignored"),
            b"abxxx"
        );
    }
}

//! Request bodies of object uploads: plain, or `aws-chunked` with or without
//! chunk signatures and trailers, decoded incrementally as frames arrive.
//!
//! `aws-chunked` frames the payload as `SIZE-HEX[;chunk-signature=SIG]\r\nDATA\r\n`
//! chunks, ending with a zero-size chunk, optional trailer headers and an
//! empty line
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>,
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html>).
//! `x-amz-content-sha256` names the variant: `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
//! (signed chunks), `...-PAYLOAD-TRAILER` (signed chunks and a signed trailer)
//! or `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
//!
//! NOTE: the emulator accepts any secret key and never verifies SigV4, so it
//! checks only the framing of signed chunks (each chunk header carries a
//! 64-digit hex `chunk-signature`), not the signatures themselves.
//!
//! The decoded payload is hashed as it arrives: MD5 for the ETag, plus the
//! flexible checksum the request names. It is kept in memory up to a
//! threshold and then written to a spill file, so the request is never held
//! in memory twice. A body that ends early is `IncompleteBody` and nothing is stored.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::HeaderMap;
use http_body_util::BodyExt;
use md5::{Digest as _, Md5};

use super::errors::{self, S3Error, S3Result};

/// How long the server waits for the next piece of a request body.
const FRAME_TIMEOUT: Duration = Duration::from_secs(60);

/// Maximum length of a chunk header line and of the trailer section, in bytes.
const MAX_CHUNK_HEADER_BYTES: usize = 4_096;
const MAX_TRAILER_BYTES: usize = 16_384;

/// A flexible checksum algorithm
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_Checksum.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    Crc32,
    Crc32c,
    /// CRC-64/NVME, which S3 supports only as a full-object checksum
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>).
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl ChecksumAlgorithm {
    pub const ALL: [ChecksumAlgorithm; 5] = [Self::Crc32, Self::Crc32c, Self::Crc64Nvme, Self::Sha1, Self::Sha256];

    /// The algorithm names S3 accepts, as its error messages list them.
    pub const NAMES: &'static str = "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]";

    /// Returns the name as the API spells it, such as `CRC32C`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Crc64Nvme => "CRC64NVME",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }

    /// Returns the header that carries the checksum, such as `x-amz-checksum-crc32c`.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// Parses an algorithm name, ignoring case.
    pub fn parse(name: &str) -> Option<ChecksumAlgorithm> {
        Self::ALL.into_iter().find(|algorithm| algorithm.as_str().eq_ignore_ascii_case(name))
    }

    /// Returns the length of the raw digest in bytes.
    fn digest_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 4,
            Self::Crc64Nvme => 8,
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

/// A running flexible checksum.
pub enum ChecksumHasher {
    Crc32(crc_fast::Digest),
    Crc64(crc_fast::Digest),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl ChecksumHasher {
    pub fn new(algorithm: ChecksumAlgorithm) -> ChecksumHasher {
        match algorithm {
            ChecksumAlgorithm::Crc32 => Self::Crc32(crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32IsoHdlc)),
            ChecksumAlgorithm::Crc32c => Self::Crc32(crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc32Iscsi)),
            ChecksumAlgorithm::Crc64Nvme => Self::Crc64(crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Nvme)),
            ChecksumAlgorithm::Sha1 => Self::Sha1(sha1::Sha1::default()),
            ChecksumAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::default()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Crc32(digest) | Self::Crc64(digest) => digest.update(data),
            Self::Sha1(hasher) => sha1::Digest::update(hasher, data),
            Self::Sha256(hasher) => sha2::Digest::update(hasher, data),
        }
    }

    /// Returns the raw digest; a CRC is its 32-bit or 64-bit value in big-endian order.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Self::Crc32(digest) => {
                let value = u32::try_from(digest.finalize() & 0xFFFF_FFFF).unwrap_or_default();
                value.to_be_bytes().to_vec()
            }
            Self::Crc64(digest) => digest.finalize().to_be_bytes().to_vec(),
            Self::Sha1(hasher) => sha1::Digest::finalize(hasher).to_vec(),
            Self::Sha256(hasher) => sha2::Digest::finalize(hasher).to_vec(),
        }
    }
}

/// Computes the base64 checksum of `data` with `algorithm`.
pub fn checksum_of(algorithm: ChecksumAlgorithm, data: &[u8]) -> String {
    let mut hasher = ChecksumHasher::new(algorithm);
    hasher.update(data);
    BASE64.encode(hasher.finish())
}

/// Spill settings: the directory, the threshold and the maximum body size.
#[derive(Debug, Clone)]
pub struct SpillOptions {
    pub directory: PathBuf,
    /// Bodies larger than this many decoded bytes are written to a spill file.
    pub threshold: usize,
    /// Largest decoded body accepted, in bytes.
    pub max_size: u64,
}

/// A decoded, verified request body.
#[derive(Debug, Clone)]
pub struct Payload {
    pub data: Bytes,
    pub md5: [u8; 16],
    /// The flexible checksum the request named or sent, base64, verified.
    pub checksum: Option<(ChecksumAlgorithm, String)>,
}

/// The framing of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Plain,
    Chunked { signed: bool },
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn framing_of(headers: &HeaderMap) -> S3Result<Framing> {
    let content_sha256 = header(headers, "x-amz-content-sha256").unwrap_or_default();
    if let Some(variant) = content_sha256.strip_prefix("STREAMING-") {
        return match variant {
            "AWS4-HMAC-SHA256-PAYLOAD"
            | "AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
            | "AWS4-ECDSA-P256-SHA256-PAYLOAD"
            | "AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER" => Ok(Framing::Chunked { signed: true }),
            "UNSIGNED-PAYLOAD-TRAILER" => Ok(Framing::Chunked { signed: false }),
            _ => Err(errors::invalid_argument(
                format!("x-amz-content-sha256 {content_sha256:?} names no known streaming payload type"),
                "x-amz-content-sha256",
                content_sha256,
            )),
        };
    }
    let chunked_encoding = header(headers, "content-encoding")
        .is_some_and(|value| value.split(',').any(|part| part.trim() == "aws-chunked"));
    if chunked_encoding {
        return Ok(Framing::Chunked { signed: false });
    }
    Ok(Framing::Plain)
}

/// Finds the flexible checksum the request promises: a checksum header, a
/// trailer named in `x-amz-trailer`, or only an algorithm to compute.
/// Returns the algorithm and the value sent in a header, if any.
fn requested_checksum(headers: &HeaderMap) -> S3Result<Option<(ChecksumAlgorithm, Option<String>)>> {
    let mut found = None;
    for algorithm in ChecksumAlgorithm::ALL {
        if let Some(value) = header(headers, algorithm.header_name()) {
            if found.is_some() {
                return Err(errors::invalid_request(
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
                ));
            }
            found = Some((algorithm, Some(value.to_owned())));
        }
    }
    if found.is_some() {
        return Ok(found);
    }
    if let Some(trailer) = header(headers, "x-amz-trailer") {
        let algorithm = ChecksumAlgorithm::ALL
            .into_iter()
            .find(|algorithm| trailer.trim().eq_ignore_ascii_case(algorithm.header_name()))
            .ok_or_else(|| {
                errors::invalid_request(format!(
                    "The value specified in the x-amz-trailer header is not supported: {trailer}"
                ))
            })?;
        return Ok(Some((algorithm, None)));
    }
    for name in ["x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm"] {
        if let Some(value) = header(headers, name) {
            let algorithm = ChecksumAlgorithm::parse(value)
                .ok_or_else(|| errors::invalid_request(format!("Checksum algorithm provided is unsupported: {value}. Please try again with any of the valid types: {}", ChecksumAlgorithm::NAMES)))?;
            // x-amz-sdk-checksum-algorithm only names the algorithm of a
            // checksum sent in a header or trailer, and S3 rejects it alone
            // with this message, as quoted in a stack trace from S3 in
            // <https://github.com/apache/hadoop/pull/6467>.
            if name == "x-amz-sdk-checksum-algorithm" {
                return Err(errors::invalid_request(
                    "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer \
                     headers were found.",
                ));
            }
            return Ok(Some((algorithm, None)));
        }
    }
    Ok(None)
}

/// Parses the `Content-MD5` header into its 16 bytes.
pub fn content_md5(headers: &HeaderMap) -> S3Result<Option<[u8; 16]>> {
    let Some(value) = headers.get("content-md5") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    let decoded = BASE64.decode(text.trim()).map_err(|_| errors::invalid_digest(text))?;
    let bytes: [u8; 16] = decoded.try_into().map_err(|_| errors::invalid_digest(text))?;
    Ok(Some(bytes))
}

/// The meaning of a request's `x-amz-checksum-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumHeaders {
    /// They are checksums of the request body, verified while reading it.
    OfBody,
    /// They describe something else, such as the object CompleteMultipartUpload
    /// assembles, so reading the body ignores them.
    OfObject,
}

/// Reads, decodes and verifies a whole request body.
pub async fn read_payload<B>(
    body: B,
    headers: &HeaderMap,
    options: &SpillOptions,
    checksum_headers: ChecksumHeaders,
) -> S3Result<Payload>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let framing = framing_of(headers)?;
    let checksum = match checksum_headers {
        ChecksumHeaders::OfBody => requested_checksum(headers)?,
        ChecksumHeaders::OfObject => None,
    };
    let expected_md5 = content_md5(headers)?;
    let declared_sha256 = header(headers, "x-amz-content-sha256")
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase);
    let decoded_length = match header(headers, "x-amz-decoded-content-length") {
        Some(value) => Some(value.parse::<u64>().map_err(|_| {
            errors::invalid_argument(
                format!("x-amz-decoded-content-length {value:?} is not a number"),
                "x-amz-decoded-content-length",
                value,
            )
        })?),
        None => None,
    };
    if let Some(length) = decoded_length.or_else(|| header(headers, "content-length").and_then(|v| v.parse().ok()))
        && length > options.max_size
    {
        return Err(errors::entity_too_large(length, options.max_size));
    }

    let mut sink = Sink::new(options, checksum.as_ref().map(|(algorithm, _)| *algorithm), declared_sha256.is_some());
    let mut decoder = match framing {
        Framing::Plain => None,
        Framing::Chunked { signed } => Some(ChunkDecoder::new(signed)),
    };

    let mut body = std::pin::pin!(body);
    loop {
        let frame = match tokio::time::timeout(FRAME_TIMEOUT, body.frame()).await {
            Err(_) => {
                return Err(S3Error::new(
                    "RequestTimeout",
                    400,
                    "Your socket connection to the server was not read from or written to within the timeout period.",
                ));
            }
            Ok(None) => break,
            Ok(Some(Err(error))) => {
                let error: Box<dyn std::error::Error + Send + Sync> = error.into();
                return Err(errors::incomplete_body(format!(
                    "You did not provide the number of bytes specified by the Content-Length HTTP header: {error}"
                )));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        let length = bytes::Buf::remaining(&data);
        let bytes = bytes::Buf::copy_to_bytes(&mut data, length);
        match decoder.as_mut() {
            Some(decoder) => decoder.feed(&bytes, &mut sink)?,
            None => sink.write(&bytes)?,
        }
    }

    let mut trailers = Vec::new();
    if let Some(decoder) = decoder {
        trailers = decoder.finish()?;
    }
    if let Some(expected) = decoded_length
        && expected != sink.len
    {
        return Err(errors::incomplete_body(format!(
            "The decoded body has {} bytes, but x-amz-decoded-content-length is {expected}",
            sink.len
        )));
    }

    let (data, md5, computed, sha256) = sink.finish()?;

    if let (Some(declared), Some(sha256)) = (declared_sha256, sha256) {
        let computed = to_hex(&sha256);
        if declared != computed {
            return Err(S3Error::new(
                "XAmzContentSHA256Mismatch",
                400,
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )
            .with("ClientComputedContentSHA256", declared)
            .with("S3ComputedContentSHA256", computed));
        }
    }
    if let Some(expected) = expected_md5
        && expected != md5
    {
        return Err(errors::bad_digest("The Content-MD5 you specified did not match what we received.")
            .with("ExpectedDigest", BASE64.encode(expected))
            .with("CalculatedDigest", BASE64.encode(md5)));
    }

    let trailer_announced = header(headers, "x-amz-trailer").is_some();
    let checksum = match (checksum, computed) {
        (Some((algorithm, header_value)), Some(computed)) => {
            let sent = match header_value {
                Some(value) => Some(value),
                None if trailer_announced => Some(announced_trailer(&trailers, algorithm)?),
                None => None,
            };
            let computed = BASE64.encode(computed);
            if let Some(sent) = sent {
                verify_checksum(algorithm, &sent, &computed)?;
            }
            Some((algorithm, computed))
        }
        _ => None,
    };

    Ok(Payload { data, md5, checksum })
}

/// Returns the value of the checksum trailer that `x-amz-trailer` announced.
/// S3 rejects a body whose trailer is missing or names another checksum with
/// `MalformedTrailerError`, as quoted in
/// <https://github.com/versity/versitygw/issues/1600> and
/// <https://github.com/versity/versitygw/issues/1691>.
fn announced_trailer(trailers: &[(String, String)], algorithm: ChecksumAlgorithm) -> S3Result<String> {
    let malformed = || {
        S3Error::new(
            "MalformedTrailerError",
            400,
            format!(
                "The request contained trailing data that was not well-formed or did not conform to our published \
                 schema: x-amz-trailer announced {}, but the body's trailer does not carry exactly that checksum.",
                algorithm.header_name()
            ),
        )
    };
    // The chunk decoder stores trailer names trimmed and in lower case.
    let mut checksums = trailers.iter().filter(|(name, _)| name.starts_with("x-amz-checksum-"));
    match (checksums.next(), checksums.next()) {
        (Some((name, value)), None) if name == algorithm.header_name() => Ok(value.clone()),
        _ => Err(malformed()),
    }
}

/// Compares a sent checksum with the computed one.
pub fn verify_checksum(algorithm: ChecksumAlgorithm, sent: &str, computed: &str) -> S3Result<()> {
    let valid = BASE64.decode(sent.trim()).is_ok_and(|bytes| bytes.len() == algorithm.digest_len());
    if !valid {
        return Err(errors::invalid_request(format!("Value for {} header is invalid.", algorithm.header_name())));
    }
    if sent.trim() != computed {
        return Err(errors::bad_digest(format!(
            "The {} you specified did not match the calculated checksum.",
            algorithm.as_str()
        )));
    }
    Ok(())
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The destination of decoded bytes: hashed, then kept in memory or spilled.
struct Sink<'a> {
    options: &'a SpillOptions,
    memory: Vec<u8>,
    spill: Option<SpillFile>,
    len: u64,
    md5: Md5,
    checksum: Option<ChecksumHasher>,
    sha256: Option<sha2::Sha256>,
}

impl<'a> Sink<'a> {
    fn new(options: &'a SpillOptions, checksum: Option<ChecksumAlgorithm>, content_sha256: bool) -> Sink<'a> {
        Sink {
            options,
            memory: Vec::new(),
            spill: None,
            len: 0,
            md5: Md5::new(),
            checksum: checksum.map(ChecksumHasher::new),
            sha256: content_sha256.then(sha2::Sha256::default),
        }
    }

    fn write(&mut self, data: &[u8]) -> S3Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        self.len += data.len() as u64;
        if self.len > self.options.max_size {
            return Err(errors::entity_too_large(self.len, self.options.max_size));
        }
        self.md5.update(data);
        if let Some(checksum) = self.checksum.as_mut() {
            checksum.update(data);
        }
        if let Some(sha256) = self.sha256.as_mut() {
            sha2::Digest::update(sha256, data);
        }

        if self.spill.is_none() && self.memory.len() + data.len() > self.options.threshold {
            let mut spill = SpillFile::create(&self.options.directory)?;
            spill.write(&self.memory)?;
            self.memory = Vec::new();
            self.spill = Some(spill);
        }
        match self.spill.as_mut() {
            Some(spill) => spill.write(data),
            None => {
                self.memory.extend_from_slice(data);
                Ok(())
            }
        }
    }

    #[allow(clippy::type_complexity)] // a private helper; the tuple is read once
    fn finish(self) -> S3Result<(Bytes, [u8; 16], Option<Vec<u8>>, Option<Vec<u8>>)> {
        let data = match self.spill {
            Some(spill) => Bytes::from(spill.read_all()?),
            None => Bytes::from(self.memory),
        };
        let md5: [u8; 16] = self.md5.finalize().into();
        let checksum = self.checksum.map(ChecksumHasher::finish);
        let sha256 = self.sha256.map(|hasher| sha2::Digest::finalize(hasher).to_vec());
        Ok((data, md5, checksum, sha256))
    }
}

/// A temporary file holding a large body; removed when dropped.
///
/// NOTE: writes use blocking `std::fs` calls on the request task, because
/// the server's runtime may be single-threaded (as in `#[tokio::test]`).
struct SpillFile {
    path: PathBuf,
    file: File,
}

impl SpillFile {
    fn create(directory: &Path) -> S3Result<SpillFile> {
        std::fs::create_dir_all(directory).map_err(|error| {
            errors::internal(format!("The spill directory {} could not be created: {error}", directory.display()))
        })?;
        let path = directory.join(format!("upload-{}.part", uuid::Uuid::new_v4()));
        let file = File::create(&path).map_err(|error| {
            errors::internal(format!("The spill file {} could not be created: {error}", path.display()))
        })?;
        Ok(SpillFile { path, file })
    }

    fn write(&mut self, data: &[u8]) -> S3Result<()> {
        self.file.write_all(data).map_err(|error| {
            errors::internal(format!("The spill file {} could not be written: {error}", self.path.display()))
        })
    }

    fn read_all(mut self) -> S3Result<Vec<u8>> {
        let read = |spill: &mut SpillFile| -> std::io::Result<Vec<u8>> {
            spill.file.flush()?;
            let mut file = File::open(&spill.path)?;
            let mut data = Vec::with_capacity(usize::try_from(file.metadata()?.len()).unwrap_or_default());
            file.read_to_end(&mut data)?;
            Ok(data)
        };
        read(&mut self).map_err(|error| {
            errors::internal(format!("The spill file {} could not be read: {error}", self.path.display()))
        })
    }
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_file(&self.path) {
            tracing::debug!(path = %self.path.display(), %error, "spill file could not be removed");
        }
    }
}

/// The position of the chunk decoder in the `aws-chunked` framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    Header,
    Data { remaining: u64 },
    DataEnd,
    Trailers,
    Done,
}

/// An incremental `aws-chunked` decoder.
struct ChunkDecoder {
    signed: bool,
    state: ChunkState,
    line: Vec<u8>,
    trailer_bytes: usize,
    trailers: Vec<(String, String)>,
}

impl ChunkDecoder {
    fn new(signed: bool) -> ChunkDecoder {
        ChunkDecoder { signed, state: ChunkState::Header, line: Vec::new(), trailer_bytes: 0, trailers: Vec::new() }
    }

    fn feed(&mut self, mut input: &[u8], sink: &mut Sink<'_>) -> S3Result<()> {
        while !input.is_empty() {
            match self.state {
                ChunkState::Data { remaining } => {
                    let take = usize::try_from(remaining).unwrap_or(usize::MAX).min(input.len());
                    sink.write(&input[..take])?;
                    input = &input[take..];
                    let remaining = remaining - take as u64;
                    self.state = if remaining == 0 { ChunkState::DataEnd } else { ChunkState::Data { remaining } };
                }
                ChunkState::Done => {
                    return Err(errors::incomplete_body("The aws-chunked body has data after its final chunk"));
                }
                ChunkState::Header | ChunkState::DataEnd | ChunkState::Trailers => {
                    let Some(end) = input.iter().position(|&b| b == b'\n') else {
                        self.line.extend_from_slice(input);
                        self.check_line_length()?;
                        return Ok(());
                    };
                    self.line.extend_from_slice(&input[..=end]);
                    input = &input[end + 1..];
                    self.check_line_length()?;
                    let line = std::mem::take(&mut self.line);
                    let Some(line) = line.strip_suffix(b"\r\n") else {
                        return Err(malformed_chunk("a line of the aws-chunked body does not end with CRLF"));
                    };
                    self.take_line(line)?;
                }
            }
        }
        Ok(())
    }

    fn check_line_length(&self) -> S3Result<()> {
        let limit = if self.state == ChunkState::Trailers { MAX_TRAILER_BYTES } else { MAX_CHUNK_HEADER_BYTES };
        if self.line.len() > limit {
            return Err(malformed_chunk("a chunk header or trailer line of the aws-chunked body is too long"));
        }
        Ok(())
    }

    fn take_line(&mut self, line: &[u8]) -> S3Result<()> {
        match self.state {
            ChunkState::DataEnd => {
                if !line.is_empty() {
                    return Err(malformed_chunk("chunk data is longer than its declared size"));
                }
                self.state = ChunkState::Header;
            }
            ChunkState::Header => {
                let size = self.parse_chunk_header(line)?;
                self.state = if size == 0 { ChunkState::Trailers } else { ChunkState::Data { remaining: size } };
            }
            ChunkState::Trailers => {
                if line.is_empty() {
                    self.state = ChunkState::Done;
                    return Ok(());
                }
                self.trailer_bytes += line.len();
                if self.trailer_bytes > MAX_TRAILER_BYTES {
                    return Err(malformed_chunk("the trailers of the aws-chunked body are too long"));
                }
                let text = std::str::from_utf8(line).map_err(|_| malformed_chunk("a trailer is not UTF-8"))?;
                let (name, value) = text
                    .split_once(':')
                    .ok_or_else(|| malformed_chunk(&format!("the trailer {text:?} is not NAME:VALUE")))?;
                self.trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
            ChunkState::Data { .. } | ChunkState::Done => {}
        }
        Ok(())
    }

    /// Parses `SIZE-HEX[;chunk-signature=SIG]`.
    fn parse_chunk_header(&self, line: &[u8]) -> S3Result<u64> {
        let text = std::str::from_utf8(line).map_err(|_| malformed_chunk("a chunk header is not UTF-8"))?;
        let (size, extension) = match text.split_once(';') {
            Some((size, extension)) => (size, Some(extension)),
            None => (text, None),
        };
        if size.is_empty() || size.len() > 16 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed_chunk(&format!("the chunk size {size:?} is not a hexadecimal number")));
        }
        let size = u64::from_str_radix(size, 16)
            .map_err(|_| malformed_chunk(&format!("the chunk size {size:?} is too large")))?;
        if self.signed {
            let signature = extension.and_then(|extension| extension.strip_prefix("chunk-signature="));
            let valid = signature
                .is_some_and(|signature| signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_hexdigit()));
            if !valid {
                return Err(S3Error::new(
                    "SignatureDoesNotMatch",
                    403,
                    format!("The chunk header {text:?} carries no valid chunk-signature."),
                ));
            }
        }
        Ok(size)
    }

    /// Ends decoding; the body must have reached the end of its trailers.
    fn finish(self) -> S3Result<Vec<(String, String)>> {
        if self.state != ChunkState::Done {
            return Err(errors::incomplete_body("The aws-chunked body ended before its final chunk"));
        }
        Ok(self.trailers)
    }
}

/// Builds the error for a framing problem in an `aws-chunked` body.
// NOTE: AWS documents no error code for malformed chunk framing; IncompleteBody
// is the closest documented code ("You did not provide the number of bytes specified").
fn malformed_chunk(detail: &str) -> S3Error {
    errors::incomplete_body(format!("The aws-chunked body is malformed: {detail}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SpillOptions {
        SpillOptions {
            directory: std::env::temp_dir().join("crosscheck-s3-unit-spill"),
            threshold: 1024,
            max_size: 1 << 20,
        }
    }

    #[test]
    fn chunks_decode_when_fed_byte_by_byte() {
        let options = options();
        let mut sink = Sink::new(&options, Some(ChecksumAlgorithm::Crc32), false);
        let mut decoder = ChunkDecoder::new(false);
        let body = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
        for byte in body {
            decoder.feed(std::slice::from_ref(byte), &mut sink).expect("valid framing");
        }
        let trailers = decoder.finish().expect("complete body");
        assert_eq!(trailers, [("x-amz-checksum-crc32".to_owned(), "AAAAAA==".to_owned())]);
        let (data, ..) = sink.finish().expect("decoded data");
        assert_eq!(data.as_ref(), b"hello world");
    }

    #[test]
    fn chunk_longer_than_declared_is_rejected() {
        let options = options();
        let mut sink = Sink::new(&options, None, false);
        let mut decoder = ChunkDecoder::new(false);
        let error = decoder.feed(b"2\r\nabc\r\n0\r\n\r\n", &mut sink).expect_err("three bytes in a two-byte chunk");
        assert_eq!(error.code(), "IncompleteBody");
    }

    #[test]
    fn large_bodies_spill_and_the_file_is_removed() {
        let options = options();
        let mut sink = Sink::new(&options, None, false);
        sink.write(&[7; 3000]).expect("write past the threshold");
        let path = sink.spill.as_ref().map(|spill| spill.path.clone()).expect("a spill file");
        assert!(path.exists(), "the spill file exists while the body arrives");
        let (data, ..) = sink.finish().expect("read back");
        assert_eq!(data.len(), 3000);
        assert!(!path.exists(), "the spill file is removed after reading");
    }
}

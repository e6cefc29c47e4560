//! Reads deployment packages: zip files with stored or deflated entries
//! (PKWARE APPNOTE.TXT, sections 4.3 and 4.4; DEFLATE is RFC 1951).
//!
//! Only what Lambda packages use is read: the central directory, local
//! headers, methods 0 (stored) and 8 (deflate), and the Unix mode in the
//! external attributes, symbolic links included. ZIP64 and encryption are
//! rejected.

use std::path::{Component, Path};

/// Largest total size of the unpacked files, as Lambda limits a function with
/// its layers (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>).
pub const MAX_UNZIPPED_BYTES: u64 = 250 * 1024 * 1024;

/// The reason a package could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("the file is not a zip archive: {0}")]
    Format(&'static str),
    #[error("entry {name:?} uses compression method {method}; only stored (0) and deflate (8) are supported")]
    Method { name: String, method: u16 },
    #[error("entry {0:?} has an unsafe path")]
    UnsafePath(String),
    #[error("the unpacked files exceed {MAX_UNZIPPED_BYTES} bytes")]
    TooLarge,
    #[error("entry {name:?} does not inflate: {reason}")]
    Inflate { name: String, reason: &'static str },
    #[error("writing the unpacked files failed: {0}")]
    Io(#[from] std::io::Error),
}

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    method: u16,
    compressed_size: u64,
    uncompressed_size: u64,
    local_header_offset: u64,
    /// The Unix permission bits, when the archive was made on Unix.
    pub mode: Option<u32>,
    /// Whether the entry is a symbolic link, whose data is the link's target.
    pub symlink: bool,
}

/// The Unix file type bits of a symbolic link (`S_IFLNK`) in an entry's mode.
const SYMLINK_TYPE: u32 = 0o120_000;

/// The mask of the Unix file type bits (`S_IFMT`).
const FILE_TYPE_MASK: u32 = 0o170_000;

/// The maximum length of a symbolic link target on Linux: `PATH_MAX` (4096
/// bytes) less the terminating NUL.
const MAX_LINK_TARGET_BYTES: u64 = 4095;

fn u16_at(data: &[u8], offset: usize) -> Result<u16, ZipError> {
    data.get(offset..offset + 2).map(|b| u16::from_le_bytes([b[0], b[1]])).ok_or(ZipError::Format("truncated header"))
}

fn u32_at(data: &[u8], offset: usize) -> Result<u32, ZipError> {
    data.get(offset..offset + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(ZipError::Format("truncated header"))
}

/// Lists the entries of the central directory.
pub fn list_entries(data: &[u8]) -> Result<Vec<Entry>, ZipError> {
    const END_SIGNATURE: u32 = 0x0605_4b50;
    const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
    if data.len() < 22 {
        return Err(ZipError::Format("shorter than an end-of-central-directory record"));
    }
    // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
    let earliest = data.len().saturating_sub(22 + 65_535);
    let end = (earliest..=data.len() - 22)
        .rev()
        .find(|&offset| u32_at(data, offset).is_ok_and(|signature| signature == END_SIGNATURE))
        .ok_or(ZipError::Format("no end-of-central-directory record"))?;
    let count = u16_at(data, end + 10)?;
    let directory_offset = u32_at(data, end + 16)?;
    if directory_offset == u32::MAX || count == u16::MAX {
        return Err(ZipError::Format("ZIP64 archives are not supported"));
    }

    let mut entries = Vec::with_capacity(usize::from(count));
    let mut offset = directory_offset as usize;
    for _ in 0..count {
        if u32_at(data, offset)? != CENTRAL_SIGNATURE {
            return Err(ZipError::Format("bad central directory signature"));
        }
        let made_by = u16_at(data, offset + 4)?;
        let flags = u16_at(data, offset + 8)?;
        let method = u16_at(data, offset + 10)?;
        let compressed_size = u32_at(data, offset + 20)?;
        let uncompressed_size = u32_at(data, offset + 24)?;
        let name_length = usize::from(u16_at(data, offset + 28)?);
        let extra_length = usize::from(u16_at(data, offset + 30)?);
        let comment_length = usize::from(u16_at(data, offset + 32)?);
        let external = u32_at(data, offset + 38)?;
        let local_header_offset = u32_at(data, offset + 42)?;
        let name_bytes =
            data.get(offset + 46..offset + 46 + name_length).ok_or(ZipError::Format("truncated file name"))?;
        if flags & 1 != 0 {
            return Err(ZipError::Format("encrypted entries are not supported"));
        }
        // Version made by: the high byte 3 is Unix, whose mode sits in the high 16 bits.
        let unix_mode = (made_by >> 8 == 3 && external >> 16 != 0).then_some(external >> 16);
        let mode = unix_mode.map(|mode| mode & 0o7777);
        let symlink = unix_mode.is_some_and(|mode| mode & FILE_TYPE_MASK == SYMLINK_TYPE);
        entries.push(Entry {
            name: String::from_utf8_lossy(name_bytes).into_owned(),
            method,
            compressed_size: u64::from(compressed_size),
            uncompressed_size: u64::from(uncompressed_size),
            local_header_offset: u64::from(local_header_offset),
            mode,
            symlink,
        });
        offset += 46 + name_length + extra_length + comment_length;
    }
    for entry in &entries {
        if entry.method != 0 && entry.method != 8 {
            return Err(ZipError::Method { name: entry.name.clone(), method: entry.method });
        }
    }
    Ok(entries)
}

/// Returns the bytes of one entry, inflated when needed.
fn entry_data(data: &[u8], entry: &Entry) -> Result<Vec<u8>, ZipError> {
    let local = usize::try_from(entry.local_header_offset).map_err(|_| ZipError::Format("offset out of range"))?;
    if u32_at(data, local)? != 0x0403_4b50 {
        return Err(ZipError::Format("bad local header signature"));
    }
    let name_length = usize::from(u16_at(data, local + 26)?);
    let extra_length = usize::from(u16_at(data, local + 28)?);
    let start = local + 30 + name_length + extra_length;
    let size = usize::try_from(entry.compressed_size).map_err(|_| ZipError::Format("size out of range"))?;
    let compressed = data.get(start..start + size).ok_or(ZipError::Format("truncated entry data"))?;
    match entry.method {
        0 => Ok(compressed.to_vec()),
        _ => inflate(compressed, entry.uncompressed_size)
            .map_err(|reason| ZipError::Inflate { name: entry.name.clone(), reason }),
    }
}

/// Lists the entries and checks that they can be unpacked: every path is
/// relative, made of plain names only (no `..`, `.`, root or empty name), and
/// the recorded sizes add up to at most [`MAX_UNZIPPED_BYTES`]. A symbolic
/// link needs a target of 1 to [`MAX_LINK_TARGET_BYTES`] bytes without NUL
/// bytes. No other entry may lie below it or be a directory of its path,
/// since a link cannot replace a directory.
pub fn check(data: &[u8]) -> Result<Vec<Entry>, ZipError> {
    let entries = list_entries(data)?;
    let mut total = 0u64;
    for entry in &entries {
        let path = Path::new(&entry.name);
        let plain = path.components().all(|component| matches!(component, Component::Normal(_)));
        if !plain || path.components().next().is_none() || entry.name.contains('\0') {
            return Err(ZipError::UnsafePath(entry.name.clone()));
        }
        if entry.symlink {
            // The recorded size is checked before inflating, so a link cannot
            // inflate to more than a target's length.
            if entry.uncompressed_size > MAX_LINK_TARGET_BYTES {
                return Err(ZipError::UnsafePath(entry.name.clone()));
            }
            let target = entry_data(data, entry)?;
            let below = entries.iter().any(|other| {
                let other_path = Path::new(&other.name);
                let directory = !std::ptr::eq(other, entry) && other.name.ends_with('/') && other_path == path;
                directory || other_path.parent().is_some_and(|parent| parent.starts_with(path))
            });
            let too_long = target.len() as u64 > MAX_LINK_TARGET_BYTES;
            if target.is_empty() || too_long || target.contains(&0) || below {
                return Err(ZipError::UnsafePath(entry.name.clone()));
            }
        }
        total += entry.uncompressed_size;
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(ZipError::TooLarge);
    }
    Ok(entries)
}

/// Unpacks every entry under `directory`, after [`check`] has passed, so an
/// unsafe or oversized package writes nothing.
///
/// Symbolic links are created last, pointing wherever the package names, so no
/// entry of this package is written through one. `directory` may already hold
/// an earlier layer's files and links: an entry replaces a file or link of its
/// own path, and an entry below a link is rejected as an unsafe path, so
/// nothing is ever written outside `directory`.
pub fn extract(data: &[u8], directory: &Path) -> Result<(), ZipError> {
    let entries = check(data)?;
    let mut links = Vec::new();
    for entry in &entries {
        let destination = directory.join(&entry.name);
        reject_linked_ancestor(directory, entry)?;
        if entry.name.ends_with('/') {
            std::fs::create_dir_all(&destination)?;
            continue;
        }
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if entry.symlink {
            links.push((destination, entry_data(data, entry)?));
            continue;
        }
        remove_link(&destination)?;
        std::fs::write(&destination, entry_data(data, entry)?)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // Lambda keeps the archive's mode bits; files without them are readable, not executable.
            let mode = entry.mode.map_or(0o644, |mode| mode & 0o777 | 0o400);
            std::fs::set_permissions(&destination, std::fs::Permissions::from_mode(mode))?;
        }
    }
    for (destination, target) in links {
        create_link(&destination, &target)?;
    }
    Ok(())
}

/// Rejects an entry whose path passes through a symbolic link an earlier
/// package left in `directory`, since writing it would follow that link.
fn reject_linked_ancestor(directory: &Path, entry: &Entry) -> Result<(), ZipError> {
    let mut path = directory.to_path_buf();
    let components: Vec<_> = Path::new(&entry.name).components().collect();
    for component in &components[..components.len().saturating_sub(1)] {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
            return Err(ZipError::UnsafePath(entry.name.clone()));
        }
    }
    Ok(())
}

/// Removes a symbolic link at `path`, so that writing there creates a file
/// instead of following the link.
fn remove_link(path: &Path) -> Result<(), ZipError> {
    if std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

/// Creates the symbolic link `destination` to `target`, replacing a file or
/// link of that path.
fn create_link(destination: &Path, target: &[u8]) -> Result<(), ZipError> {
    if std::fs::symlink_metadata(destination).is_ok_and(|metadata| !metadata.is_dir()) {
        std::fs::remove_file(destination)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), destination)?;
    }
    #[cfg(not(unix))]
    {
        // Without Unix links the target path is written as the file's content.
        std::fs::write(destination, target)?;
    }
    Ok(())
}

/// A DEFLATE bit reader: bits are taken from the least significant end of each byte.
struct Bits<'a> {
    data: &'a [u8],
    position: usize,
    bit: u32,
}

impl Bits<'_> {
    fn bit(&mut self) -> Result<u32, &'static str> {
        let byte = *self.data.get(self.position).ok_or("unexpected end of data")?;
        let value = u32::from(byte >> self.bit) & 1;
        self.bit += 1;
        if self.bit == 8 {
            self.bit = 0;
            self.position += 1;
        }
        Ok(value)
    }

    fn bits(&mut self, count: u32) -> Result<u32, &'static str> {
        let mut value = 0;
        for index in 0..count {
            value |= self.bit()? << index;
        }
        Ok(value)
    }
}

/// A canonical Huffman code: the number of codes of each length and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &length in lengths {
            counts[usize::from(length)] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for length in 1..16 {
            offsets[length] = offsets[length - 1] + counts[length - 1];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (symbol, &length) in lengths.iter().enumerate() {
            if length != 0 {
                symbols[usize::from(offsets[usize::from(length)])] = symbol as u16;
                offsets[usize::from(length)] += 1;
            }
        }
        Huffman { counts, symbols }
    }

    fn decode(&self, bits: &mut Bits<'_>) -> Result<u16, &'static str> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for length in 1..16 {
            code |= bits.bit()? as i32;
            let count = i32::from(self.counts[length]);
            if code - count < first {
                return self.symbols.get((index + code - first) as usize).copied().ok_or("invalid Huffman code");
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        Err("invalid Huffman code")
    }
}

const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/// Inflates a raw DEFLATE stream (RFC 1951), refusing to produce more than `expected` bytes.
fn inflate(data: &[u8], expected: u64) -> Result<Vec<u8>, &'static str> {
    let limit = usize::try_from(expected).map_err(|_| "entry too large")?;
    let mut output = Vec::with_capacity(limit);
    let mut bits = Bits { data, position: 0, bit: 0 };
    loop {
        let last = bits.bit()?;
        match bits.bits(2)? {
            0 => {
                if bits.bit != 0 {
                    bits.bit = 0;
                    bits.position += 1;
                }
                let header = data.get(bits.position..bits.position + 4).ok_or("truncated stored block")?;
                let length = usize::from(u16::from_le_bytes([header[0], header[1]]));
                bits.position += 4;
                let block = data.get(bits.position..bits.position + length).ok_or("truncated stored block")?;
                output.extend_from_slice(block);
                bits.position += length;
            }
            1 => {
                let mut lengths = [0u8; 288];
                lengths[..144].fill(8);
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                lengths[280..].fill(8);
                let literals = Huffman::new(&lengths);
                let distances = Huffman::new(&[5u8; 30]);
                inflate_block(&mut bits, &mut output, &literals, &distances, limit)?;
            }
            2 => {
                let literal_count = bits.bits(5)? as usize + 257;
                let distance_count = bits.bits(5)? as usize + 1;
                let code_count = bits.bits(4)? as usize + 4;
                const ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
                let mut code_lengths = [0u8; 19];
                for &index in ORDER.iter().take(code_count) {
                    code_lengths[index] = bits.bits(3)? as u8;
                }
                let code_code = Huffman::new(&code_lengths);
                let mut lengths = vec![0u8; literal_count + distance_count];
                let mut index = 0;
                while index < lengths.len() {
                    let symbol = code_code.decode(&mut bits)?;
                    let (value, repeat) = match symbol {
                        0..=15 => (symbol as u8, 1),
                        16 => (
                            *lengths.get(index.wrapping_sub(1)).ok_or("repeat with no previous length")?,
                            3 + bits.bits(2)? as usize,
                        ),
                        17 => (0, 3 + bits.bits(3)? as usize),
                        _ => (0, 11 + bits.bits(7)? as usize),
                    };
                    if index + repeat > lengths.len() {
                        return Err("too many code lengths");
                    }
                    lengths[index..index + repeat].fill(value);
                    index += repeat;
                }
                let literals = Huffman::new(&lengths[..literal_count]);
                let distances = Huffman::new(&lengths[literal_count..]);
                inflate_block(&mut bits, &mut output, &literals, &distances, limit)?;
            }
            _ => return Err("invalid block type"),
        }
        if output.len() > limit {
            return Err("more data than the entry's recorded size");
        }
        if last == 1 {
            return Ok(output);
        }
    }
}

fn inflate_block(
    bits: &mut Bits<'_>,
    output: &mut Vec<u8>,
    literals: &Huffman,
    distances: &Huffman,
    limit: usize,
) -> Result<(), &'static str> {
    loop {
        let symbol = literals.decode(bits)?;
        match symbol {
            0..=255 => output.push(symbol as u8),
            256 => return Ok(()),
            _ => {
                let index = usize::from(symbol - 257);
                let length = usize::from(*LENGTH_BASE.get(index).ok_or("invalid length symbol")?)
                    + bits.bits(u32::from(LENGTH_EXTRA[index]))? as usize;
                let distance_symbol = usize::from(distances.decode(bits)?);
                let distance = usize::from(*DISTANCE_BASE.get(distance_symbol).ok_or("invalid distance symbol")?)
                    + bits.bits(u32::from(DISTANCE_EXTRA[distance_symbol]))? as usize;
                if distance > output.len() {
                    return Err("distance before the start of the output");
                }
                for _ in 0..length {
                    output.push(output[output.len() - distance]);
                }
            }
        }
        if output.len() > limit {
            return Err("more data than the entry's recorded size");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflate_reads_fixed_huffman_block() {
        // "hello hello hello" as raw DEFLATE from Python zlib.compressobj(9, DEFLATED, -15).
        let compressed = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x00];
        assert_eq!(inflate(&compressed, 17).expect("inflates"), b"hello hello hello");
    }
}

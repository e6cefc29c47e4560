//! A minimal zip writer for Lambda deployment packages written in scenarios.
//!
//! Every entry is stored (compression method 0), the one method every zip
//! reader must support. Entries come out sorted by name with the timestamp
//! 1980-01-01 00:00 (the zip format's earliest), so one set of files always
//! gives the same bytes and the same `CodeSha256`. Every entry is marked as
//! a Unix file with mode 0755, so a `bootstrap` of a `provided.*` runtime is
//! executable once unpacked.
//!
//! Layout, as PKWARE's zip specification (APPNOTE.TXT) defines it: each
//! entry's local file header and data, then the central directory with one
//! header per entry, then the end of central directory record.

use std::collections::BTreeMap;

const LOCAL_HEADER_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIGNATURE: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE: u32 = 0x0605_4b50;
/// The version needed to extract: 2.0.
const VERSION_NEEDED: u16 = 20;
/// The upper byte 3 marks Unix external attributes.
const VERSION_MADE_BY: u16 = (3 << 8) | VERSION_NEEDED;
/// DOS date of 1980-01-01: day 1, month 1, year 0 counted from 1980.
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file (0o100000) with mode 0755, in the upper 16 bits.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_755 << 16;

/// A file that does not fit a zip without the ZIP64 extension.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct ZipError {
    pub name: String,
    pub reason: &'static str,
}

/// Builds a zip archive of `files`, each a path inside the archive mapped to its content.
pub fn build_zip(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, ZipError> {
    let mut archive = Vec::new();
    let mut central_directory = Vec::new();

    for (name, content) in files {
        let error = |reason| ZipError { name: name.clone(), reason };
        let name_length = u16::try_from(name.len()).map_err(|_| error("the file name is longer than 65535 bytes"))?;
        let size = u32::try_from(content.len()).map_err(|_| error("the file is larger than 4 GiB"))?;
        let offset = u32::try_from(archive.len()).map_err(|_| error("the archive is larger than 4 GiB"))?;
        let checksum = crc32(content);

        put_u32(&mut archive, LOCAL_HEADER_SIGNATURE);
        put_u16(&mut archive, VERSION_NEEDED);
        put_entry_fields(&mut archive, checksum, size, name_length);
        put_u16(&mut archive, 0); // extra field length
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(content);

        put_u32(&mut central_directory, CENTRAL_HEADER_SIGNATURE);
        put_u16(&mut central_directory, VERSION_MADE_BY);
        put_u16(&mut central_directory, VERSION_NEEDED);
        put_entry_fields(&mut central_directory, checksum, size, name_length);
        put_u16(&mut central_directory, 0); // extra field length
        put_u16(&mut central_directory, 0); // comment length
        put_u16(&mut central_directory, 0); // disk number
        put_u16(&mut central_directory, 0); // internal attributes
        put_u32(&mut central_directory, EXTERNAL_ATTRIBUTES);
        put_u32(&mut central_directory, offset);
        central_directory.extend_from_slice(name.as_bytes());
    }

    let too_large = |reason| ZipError { name: String::new(), reason };
    let entries = u16::try_from(files.len()).map_err(|_| too_large("the archive has more than 65535 files"))?;
    let directory_offset = u32::try_from(archive.len()).map_err(|_| too_large("the archive is larger than 4 GiB"))?;
    let directory_size =
        u32::try_from(central_directory.len()).map_err(|_| too_large("the central directory is larger than 4 GiB"))?;
    archive.extend_from_slice(&central_directory);

    put_u32(&mut archive, END_OF_CENTRAL_DIRECTORY_SIGNATURE);
    put_u16(&mut archive, 0); // this disk
    put_u16(&mut archive, 0); // disk of the central directory
    put_u16(&mut archive, entries);
    put_u16(&mut archive, entries);
    put_u32(&mut archive, directory_size);
    put_u32(&mut archive, directory_offset);
    put_u16(&mut archive, 0); // comment length
    Ok(archive)
}

/// Writes the fields from the general-purpose flags to the name length,
/// which the local and the central header share.
fn put_entry_fields(out: &mut Vec<u8>, checksum: u32, size: u32, name_length: u16) {
    put_u16(out, 0); // flags: no data descriptor, names not marked UTF-8
    put_u16(out, 0); // method: stored
    put_u16(out, 0); // time 00:00:00
    put_u16(out, DOS_DATE);
    put_u32(out, checksum);
    put_u32(out, size); // compressed size
    put_u32(out, size); // uncompressed size
    put_u16(out, name_length);
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// Computes the CRC-32 that zip uses (IEEE 802.3, reflected polynomial 0xEDB88320).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    use super::*;

    #[test]
    fn crc32_matches_check_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn zip_is_deterministic_and_sorted() {
        let files = BTreeMap::from([("b.py".to_owned(), b"second".to_vec()), ("a.py".to_owned(), b"first".to_vec())]);
        let archive = build_zip(&files).expect("small files fit");
        assert_eq!(archive, build_zip(&files).expect("small files fit"));
        assert_eq!(&archive[..4], &LOCAL_HEADER_SIGNATURE.to_le_bytes());
        let first_name = &archive[30..34];
        assert_eq!(first_name, b"a.py");
    }

    #[test]
    fn empty_zip_is_an_end_record() {
        let archive = build_zip(&BTreeMap::new()).expect("no files");
        assert_eq!(archive.len(), 22);
        assert_eq!(&archive[..4], &END_OF_CENTRAL_DIRECTORY_SIGNATURE.to_le_bytes());
    }

    /// Reads the archive back with Python's zipfile module, an independent reader.
    #[test]
    fn python_reads_the_zip() {
        let files = BTreeMap::from([
            ("index.py".to_owned(), b"def handler(event, context):\n    return event\n".to_vec()),
            ("lib/data.txt".to_owned(), b"payload".to_vec()),
        ]);
        let archive = build_zip(&files).expect("small files fit");
        let script = "import io, sys, zipfile\n\
                      z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n\
                      assert z.testzip() is None\n\
                      for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), z.read(i).decode())\n";
        let mut child =
            match Command::new("python3").args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn() {
                Ok(child) => child,
                Err(error) => panic!("python3 is needed to check the zip writer: {error}"),
            };
        child.stdin.take().expect("a piped stdin").write_all(&archive).expect("python3 reads stdin");
        let output = child.wait_with_output().expect("python3 finishes");
        assert!(output.status.success(), "python3 rejected the zip: {}", String::from_utf8_lossy(&output.stderr));
        let listing = String::from_utf8_lossy(&output.stdout);
        assert!(listing.contains("index.py 0o100755 def handler"), "listing: {listing}");
        assert!(listing.contains("lib/data.txt 0o100755 payload"), "listing: {listing}");
    }
}

//! S3 state: the one global bucket namespace, buckets and their objects,
//! multipart uploads and bucket configuration.
//!
//! Bucket names are unique across every account and region
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>),
//! so buckets live in one map keyed by name; each bucket remembers the
//! account that owns it and its region. The map lock is held only to find,
//! insert or remove a bucket; each bucket locks its own contents.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::SystemTime;

use bytes::Bytes;
use crosscheck_policy::Policy;

use super::body::ChecksumAlgorithm;
use crate::store::Namespace;

/// Every bucket, by name.
#[derive(Debug, Default)]
pub struct Buckets {
    by_name: RwLock<HashMap<String, Arc<Bucket>>>,
}

/// The outcome of [`Buckets::create`].
pub enum Created {
    New(Arc<Bucket>),
    Existing(Arc<Bucket>),
}

impl Buckets {
    pub fn get(&self, name: &str) -> Option<Arc<Bucket>> {
        self.read().get(name).cloned()
    }

    /// Inserts a new bucket unless the name is taken. The check and the
    /// insert happen under one write lock, so of two racing creators exactly one wins.
    pub fn create(&self, name: &str, namespace: Namespace) -> Created {
        let mut map = self.by_name.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(existing) = map.get(name) {
            return Created::Existing(existing.clone());
        }
        let bucket = Arc::new(Bucket {
            name: name.to_owned(),
            namespace,
            created: SystemTime::now(),
            state: Mutex::new(BucketState::default()),
        });
        map.insert(name.to_owned(), bucket.clone());
        Created::New(bucket)
    }

    /// Removes `bucket` if it is still the one registered under its name
    /// and `still_removable` holds while its contents are locked.
    pub fn remove_if(
        &self,
        bucket: &Arc<Bucket>,
        still_removable: impl FnOnce(&BucketState) -> Result<(), super::errors::S3Error>,
    ) -> Result<(), super::errors::S3Error> {
        let mut map = self.by_name.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = bucket.lock();
        still_removable(&state)?;
        if map.get(&bucket.name).is_some_and(|current| Arc::ptr_eq(current, bucket)) {
            map.remove(&bucket.name);
        }
        Ok(())
    }

    /// Returns the buckets `account_id` owns, sorted by name.
    pub fn owned_by(&self, account_id: &str) -> Vec<Arc<Bucket>> {
        let mut owned: Vec<Arc<Bucket>> =
            self.read().values().filter(|bucket| bucket.namespace.account_id == account_id).cloned().collect();
        owned.sort_by(|a, b| a.name.cmp(&b.name));
        owned
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Bucket>>> {
        // Every write is a single insert or remove, so a poisoned lock holds a consistent map.
        self.by_name.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One bucket.
#[derive(Debug)]
pub struct Bucket {
    pub name: String,
    /// The owning account and the bucket's region.
    pub namespace: Namespace,
    pub created: SystemTime,
    state: Mutex<BucketState>,
}

impl Bucket {
    pub fn lock(&self) -> MutexGuard<'_, BucketState> {
        // Operations validate before they change state, so a poisoned lock holds consistent state.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn owner(&self) -> &str {
        &self.namespace.account_id
    }

    pub fn region(&self) -> &str {
        &self.namespace.region
    }
}

/// A bucket's contents and configuration.
#[derive(Debug, Default)]
pub struct BucketState {
    pub objects: BTreeMap<String, Arc<Object>>,
    pub uploads: BTreeMap<String, Upload>,
    pub policy: Option<BucketPolicy>,
    pub tags: Option<Vec<(String, String)>>,
    /// `None` means the default, `BucketOwnerEnforced`, with no configuration stored.
    pub ownership: Option<String>,
    pub public_access_block: Option<PublicAccessBlock>,
}

/// A bucket policy as sent and as parsed.
#[derive(Debug, Clone)]
pub struct BucketPolicy {
    pub document: String,
    pub policy: Arc<Policy>,
}

/// The four public access block settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// The headers S3 stores with an object and returns on GET and HEAD.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectHeaders {
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_disposition: Option<String>,
    pub content_language: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<String>,
    /// User metadata, names lowercased without the `x-amz-meta-` prefix.
    pub metadata: Vec<(String, String)>,
    /// The storage class; `None` is `STANDARD`.
    pub storage_class: Option<String>,
}

impl ObjectHeaders {
    /// Returns the storage class as listings name it.
    pub fn storage_class(&self) -> &str {
        self.storage_class.as_deref().unwrap_or(super::objects::STANDARD)
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct Object {
    pub data: Bytes,
    /// The entity tag with its quotes.
    pub etag: String,
    pub last_modified: SystemTime,
    pub headers: ObjectHeaders,
    pub checksum: Option<(ChecksumAlgorithm, String)>,
    pub tags: Vec<(String, String)>,
    /// The account that owns the object.
    pub owner: String,
    /// The parts, in part order, of an object assembled by a multipart upload.
    pub parts: Option<Vec<ObjectPart>>,
}

/// One part of an object assembled by a multipart upload.
#[derive(Debug, Clone)]
pub struct ObjectPart {
    pub size: u64,
    /// The part's checksum, when the upload named a checksum algorithm.
    pub checksum: Option<(ChecksumAlgorithm, String)>,
}

/// A multipart upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    pub key: String,
    pub initiator: String,
    pub initiated: SystemTime,
    pub headers: ObjectHeaders,
    pub tags: Vec<(String, String)>,
    pub checksum_algorithm: Option<ChecksumAlgorithm>,
    /// Whether the object's checksum covers the whole object (`FULL_OBJECT`)
    /// rather than the parts' checksums (`COMPOSITE`).
    pub full_object_checksum: bool,
    pub parts: BTreeMap<u32, Part>,
}

/// One uploaded part.
#[derive(Debug, Clone)]
pub struct Part {
    pub data: Bytes,
    pub md5: [u8; 16],
    pub etag: String,
    pub last_modified: SystemTime,
    pub checksum: Option<(ChecksumAlgorithm, String)>,
}

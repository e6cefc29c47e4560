//! Assumed-role sessions: the credentials AssumeRole issues and the identity
//! GetCallerIdentity later returns for them.
//!
//! An access key id is `LSIA`, nine characters that encode the role's account
//! ([`crate::identity::encode_account_id`]) and seven random base32
//! characters: 20 characters, the length of an AWS access key id. The
//! assumed-role id is `AROA` plus 17 characters derived from the role ARN, so
//! one role always has the same id, as in AWS.

use std::collections::{HashMap, VecDeque};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::time::format_timestamp;
use crate::error::{AwsError, AwsResult};
use crate::identity::encode_account_id;

/// Sessions remembered for GetCallerIdentity. Beyond this many, the oldest
/// is forgotten, and its key then identifies as its account's root.
const MAX_SESSIONS: usize = 100_000;

/// The RFC 4648 base32 alphabet, which access key ids and role ids use.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The role a request assumes, from its RoleArn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRole {
    pub account_id: String,
    /// The role name without its path.
    pub name: String,
    /// The RoleArn as given.
    pub arn: String,
}

/// The identity a session's credentials act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`.
    pub arn: String,
    /// `AROA...:SESSION`, which AssumeRole returns as AssumedRoleId and
    /// GetCallerIdentity as UserId.
    pub user_id: String,
}

/// Temporary credentials as AssumeRole returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// ISO 8601 UTC, e.g. `2026-12-04T13:00:00Z`.
    pub expiration: String,
}

/// The result of one AssumeRole call.
#[derive(Debug, Clone)]
pub struct Issued {
    pub credentials: IssuedCredentials,
    pub session: Session,
}

/// Issues credentials for a session of `role` named `session_name`, valid for
/// `duration_seconds` from `now` (Unix seconds).
pub fn issue(role: &AssumedRole, session_name: &str, duration_seconds: i64, now: i64) -> AwsResult<Issued> {
    let encoded = encode_account_id(&role.account_id)
        .ok_or_else(|| AwsError::internal(format!("the role account {:?} is not 12 digits", role.account_id)))?;
    let access_key_id = format!("LSIA{encoded}{}", random_base32(7));

    let credentials = IssuedCredentials {
        access_key_id,
        secret_access_key: random_base64(30),
        session_token: random_base64(96),
        expiration: format_timestamp(now + duration_seconds),
    };
    let session = Session {
        account_id: role.account_id.clone(),
        arn: format!("arn:aws:sts::{}:assumed-role/{}/{session_name}", role.account_id, role.name),
        user_id: format!("{}:{session_name}", role_id(&role.arn)),
    };
    Ok(Issued { credentials, session })
}

/// Returns the stable `AROA...` id of the role `role_arn`.
fn role_id(role_arn: &str) -> String {
    let digest = Sha256::digest(role_arn.as_bytes());
    let mut id = String::from("AROA");
    id.extend(digest.iter().take(17).map(|byte| char::from(BASE32[usize::from(byte % 32)])));
    id
}

fn random_base32(length: usize) -> String {
    (0..length).map(|_| char::from(BASE32[usize::from(rand::random::<u8>() % 32)])).collect()
}

fn random_base64(bytes: usize) -> String {
    let random: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(random)
}

/// Sessions by access key id, oldest forgotten first beyond [`MAX_SESSIONS`].
#[derive(Debug, Default)]
pub struct SessionStore {
    by_access_key_id: HashMap<String, Session>,
    order: VecDeque<String>,
}

impl SessionStore {
    pub fn get(&self, access_key_id: &str) -> Option<&Session> {
        self.by_access_key_id.get(access_key_id)
    }

    pub fn insert(&mut self, access_key_id: String, session: Session) {
        while self.order.len() >= MAX_SESSIONS {
            if let Some(oldest) = self.order.pop_front() {
                self.by_access_key_id.remove(&oldest);
            }
        }
        self.order.push_back(access_key_id.clone());
        self.by_access_key_id.insert(access_key_id, session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{IdentityOptions, account_id_for_access_key};

    fn role() -> AssumedRole {
        AssumedRole {
            account_id: "222222222223".to_owned(),
            name: "runner".to_owned(),
            arn: "arn:aws:iam::222222222223:role/ci/runner".to_owned(),
        }
    }

    #[test]
    fn issued_key_decodes_to_role_account() {
        let issued = issue(&role(), "build-7", 900, 0).expect("issued");
        let key = &issued.credentials.access_key_id;
        assert_eq!(key.len(), 20, "{key}");
        assert!(key.starts_with("LSIA"), "{key}");
        assert_eq!(account_id_for_access_key(key, IdentityOptions::default()), "222222222223");
    }

    #[test]
    fn issued_session_names_role_and_session() {
        let issued = issue(&role(), "build-7", 900, 0).expect("issued");
        assert_eq!(issued.session.arn, "arn:aws:sts::222222222223:assumed-role/runner/build-7");
        assert!(issued.session.user_id.starts_with("AROA"), "{}", issued.session.user_id);
        assert!(issued.session.user_id.ends_with(":build-7"), "{}", issued.session.user_id);
        assert_eq!(issued.credentials.expiration, "1970-01-01T00:15:00Z");
    }

    #[test]
    fn role_id_is_stable_per_role() {
        let first = issue(&role(), "a1", 900, 0).expect("issued");
        let second = issue(&role(), "b2", 900, 0).expect("issued");
        let id = |issued: &Issued| issued.session.user_id.split(':').next().map(str::to_owned);
        assert_eq!(id(&first), id(&second));
        assert_ne!(first.credentials.access_key_id, second.credentials.access_key_id);
    }

    #[test]
    fn store_forgets_oldest_beyond_limit() {
        let mut store = SessionStore::default();
        let session = issue(&role(), "a1", 900, 0).expect("issued").session;
        for index in 0..=MAX_SESSIONS {
            store.insert(format!("key-{index}"), session.clone());
        }
        assert!(store.get("key-0").is_none(), "the oldest session is forgotten");
        assert!(store.get(&format!("key-{MAX_SESSIONS}")).is_some(), "the newest session is kept");
    }
}

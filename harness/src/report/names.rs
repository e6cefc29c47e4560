//! How the report model writes the emulator's enums and durations in JSON.
//!
//! Profiles, boundaries and address kinds are written by the names that
//! scenarios and the CLI use (`localstack`, `cross-account`, `url`), and
//! durations as milliseconds with three decimals. Each module here is for
//! serde's `#[serde(with = "...")]` attribute.

/// Serialises a [`Profile`](crosscheck_emulator::access::Profile) by its name.
pub mod profile_name {
    use crosscheck_emulator::access::Profile;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(profile: &Profile, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(profile.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Profile, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Serialises a [`Boundary`](crosscheck_emulator::access::Boundary) by its name, e.g. `cross-account`.
pub mod boundary_name {
    use crosscheck_emulator::access::Boundary;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(boundary: &Boundary, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(boundary.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Boundary, D::Error> {
        let name = String::deserialize(deserializer)?;
        crate::matrix::parse_boundary(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown boundary {name:?}")))
    }
}

/// Serialises an optional [`Boundary`](crosscheck_emulator::access::Boundary) by its name, or `null`.
pub mod optional_boundary_name {
    use crosscheck_emulator::access::Boundary;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option, reason = "serde's `with` passes the field by reference")]
    pub fn serialize<S: Serializer>(boundary: &Option<Boundary>, serializer: S) -> Result<S::Ok, S::Error> {
        match boundary {
            Some(boundary) => serializer.serialize_some(boundary.as_str()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Boundary>, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        name.map(|name| {
            crate::matrix::parse_boundary(&name)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown boundary {name:?}")))
        })
        .transpose()
    }
}

/// Serialises an optional [`AddressKind`](crosscheck_emulator::arn::AddressKind) by its name, e.g. `url`, or `null`.
pub mod address_kind_name {
    use crosscheck_emulator::arn::AddressKind;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option, reason = "serde's `with` passes the field by reference")]
    pub fn serialize<S: Serializer>(kind: &Option<AddressKind>, serializer: S) -> Result<S::Ok, S::Error> {
        match kind {
            Some(kind) => serializer.serialize_some(kind.as_str()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<AddressKind>, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        name.map(|name| {
            crate::matrix::parse_address_kind(&name)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown address kind {name:?}")))
        })
        .transpose()
    }
}

/// Serialises a [`Duration`](std::time::Duration) as milliseconds, rounded to the microsecond.
pub mod milliseconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(super::to_milliseconds(*duration))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let milliseconds = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(milliseconds / 1_000.0)
            .map_err(|_| serde::de::Error::custom(format!("invalid duration {milliseconds} ms")))
    }
}

/// Converts a duration to milliseconds, rounded to the microsecond.
pub fn to_milliseconds(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

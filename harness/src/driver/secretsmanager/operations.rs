//! The Secrets Manager operation table: every operation's input and output
//! members, nested, and the input member that carries its resource address.
//!
//! Member names and types follow the Secrets Manager API reference
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html>
//! and its Data Types pages) and the `aws-sdk-secretsmanager` 1.x crate;
//! structure names are the crate's type names. Outputs are listed as the
//! driver renders them: blobs as base64 text, timestamps as epoch seconds.
//! No member is [`Member::required`], because the crate's builders of these
//! structures never fail.

use crosscheck_emulator::arn::{AddressKind, SECRET_SUFFIX_LEN, SecretAddress, parse_secret_address};
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value};

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, ResolvedAddress, resolve_own_name};

const SECRET_ID: Option<AddressMember> =
    Some(AddressMember { member: "SecretId", resolve: resolve_secret_id, releases_name: false });

const STRING_LIST: Shape = Shape::List(&Shape::String);

const SECRET_ID_MEMBER: Member = Member::optional("SecretId", Shape::String);
const ARN_MEMBER: Member = Member::optional("ARN", Shape::String);
const NAME_MEMBER: Member = Member::optional("Name", Shape::String);
const NEXT_TOKEN_MEMBER: Member = Member::optional("NextToken", Shape::String);
const MAX_RESULTS_MEMBER: Member = Member::optional("MaxResults", Shape::Integer);

const TAG: Structure = Structure {
    name: "Tag",
    members: &[Member::optional("Key", Shape::String), Member::optional("Value", Shape::String)],
};

const TAGS: Shape = Shape::List(&Shape::Structure(&TAG));

const FILTER: Structure = Structure {
    name: "Filter",
    members: &[Member::optional("Key", Shape::String), Member::optional("Values", STRING_LIST)],
};

const FILTERS: Shape = Shape::List(&Shape::Structure(&FILTER));

const REPLICA_REGION_TYPE: Structure = Structure {
    name: "ReplicaRegionType",
    members: &[Member::optional("Region", Shape::String), Member::optional("KmsKeyId", Shape::String)],
};

const REPLICATION_STATUS_TYPE: Structure = Structure {
    name: "ReplicationStatusType",
    members: &[
        Member::optional("Region", Shape::String),
        Member::optional("KmsKeyId", Shape::String),
        Member::optional("Status", Shape::String),
        Member::optional("StatusMessage", Shape::String),
        Member::optional("LastAccessedDate", Shape::Long),
    ],
};

const REPLICATION_STATUS: Member =
    Member::optional("ReplicationStatus", Shape::List(&Shape::Structure(&REPLICATION_STATUS_TYPE)));

const ROTATION_RULES_TYPE: Structure = Structure {
    name: "RotationRulesType",
    members: &[
        Member::optional("AutomaticallyAfterDays", Shape::Long),
        Member::optional("Duration", Shape::String),
        Member::optional("ScheduleExpression", Shape::String),
    ],
};

/// Version ids mapped to their staging labels.
const VERSIONS_TO_STAGES: Shape = Shape::Map(&STRING_LIST);

const SECRET_VALUE_ENTRY: Structure = Structure {
    name: "SecretValueEntry",
    members: &[
        ARN_MEMBER,
        NAME_MEMBER,
        Member::optional("VersionId", Shape::String),
        Member::optional("SecretBinary", Shape::Blob),
        Member::optional("SecretString", Shape::String),
        Member::optional("VersionStages", STRING_LIST),
        Member::optional("CreatedDate", Shape::Long),
    ],
};

const API_ERROR_TYPE: Structure = Structure {
    name: "APIErrorType",
    members: &[
        Member::optional("SecretId", Shape::String),
        Member::optional("ErrorCode", Shape::String),
        Member::optional("Message", Shape::String),
    ],
};

const SECRET_VERSIONS_LIST_ENTRY: Structure = Structure {
    name: "SecretVersionsListEntry",
    members: &[
        Member::optional("VersionId", Shape::String),
        Member::optional("VersionStages", STRING_LIST),
        Member::optional("LastAccessedDate", Shape::Long),
        Member::optional("CreatedDate", Shape::Long),
        Member::optional("KmsKeyIds", STRING_LIST),
    ],
};

/// The members DescribeSecret and a ListSecrets entry share.
macro_rules! secret_metadata_members {
    ($($extra:expr),* $(,)?) => {
        &[
            ARN_MEMBER,
            NAME_MEMBER,
            Member::optional("Description", Shape::String),
            Member::optional("KmsKeyId", Shape::String),
            Member::optional("RotationEnabled", Shape::Boolean),
            Member::optional("RotationLambdaARN", Shape::String),
            Member::optional("RotationRules", Shape::Structure(&ROTATION_RULES_TYPE)),
            Member::optional("LastRotatedDate", Shape::Long),
            Member::optional("LastChangedDate", Shape::Long),
            Member::optional("LastAccessedDate", Shape::Long),
            Member::optional("DeletedDate", Shape::Long),
            Member::optional("NextRotationDate", Shape::Long),
            Member::optional("Tags", TAGS),
            Member::optional("OwningService", Shape::String),
            Member::optional("CreatedDate", Shape::Long),
            Member::optional("PrimaryRegion", Shape::String),
            $($extra),*
        ]
    };
}

const SECRET_LIST_ENTRY: Structure = Structure {
    name: "SecretListEntry",
    members: secret_metadata_members![Member::optional("SecretVersionsToStages", VERSIONS_TO_STAGES)],
};

/// An output of only `ARN` and `Name`.
const fn arn_and_name_output(name: &'static str) -> Structure {
    Structure { name, members: &[ARN_MEMBER, NAME_MEMBER] }
}

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "BatchGetSecretValue",
        input: &Structure {
            name: "BatchGetSecretValueInput",
            members: &[
                Member::optional("SecretIdList", STRING_LIST),
                Member::optional("Filters", FILTERS),
                MAX_RESULTS_MEMBER,
                NEXT_TOKEN_MEMBER,
            ],
        },
        output: &Structure {
            name: "BatchGetSecretValueOutput",
            members: &[
                Member::optional("SecretValues", Shape::List(&Shape::Structure(&SECRET_VALUE_ENTRY))),
                NEXT_TOKEN_MEMBER,
                Member::optional("Errors", Shape::List(&Shape::Structure(&API_ERROR_TYPE))),
            ],
        },
        // The runner resolves a list of addresses by its first item.
        address: Some(AddressMember { member: "SecretIdList", resolve: resolve_secret_id, releases_name: false }),
    },
    Operation {
        name: "CreateSecret",
        input: &Structure {
            name: "CreateSecretInput",
            members: &[
                NAME_MEMBER,
                Member::optional("ClientRequestToken", Shape::String),
                Member::optional("Description", Shape::String),
                Member::optional("KmsKeyId", Shape::String),
                Member::optional("SecretBinary", Shape::Blob),
                Member::optional("SecretString", Shape::String),
                Member::optional("Tags", TAGS),
                Member::optional("AddReplicaRegions", Shape::List(&Shape::Structure(&REPLICA_REGION_TYPE))),
                Member::optional("ForceOverwriteReplicaSecret", Shape::Boolean),
                Member::optional("Type", Shape::String),
            ],
        },
        output: &Structure {
            name: "CreateSecretOutput",
            members: &[ARN_MEMBER, NAME_MEMBER, Member::optional("VersionId", Shape::String), REPLICATION_STATUS],
        },
        address: Some(AddressMember { member: "Name", resolve: resolve_own_name, releases_name: false }),
    },
    Operation {
        name: "DeleteResourcePolicy",
        input: &Structure { name: "DeleteResourcePolicyInput", members: &[SECRET_ID_MEMBER] },
        output: &arn_and_name_output("DeleteResourcePolicyOutput"),
        address: SECRET_ID,
    },
    Operation {
        name: "DeleteSecret",
        input: &Structure {
            name: "DeleteSecretInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("RecoveryWindowInDays", Shape::Long),
                Member::optional("ForceDeleteWithoutRecovery", Shape::Boolean),
            ],
        },
        output: &Structure {
            name: "DeleteSecretOutput",
            members: &[ARN_MEMBER, NAME_MEMBER, Member::optional("DeletionDate", Shape::Long)],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "DescribeSecret",
        input: &Structure { name: "DescribeSecretInput", members: &[SECRET_ID_MEMBER] },
        output: &Structure {
            name: "DescribeSecretOutput",
            members: secret_metadata_members![
                Member::optional("VersionIdsToStages", VERSIONS_TO_STAGES),
                REPLICATION_STATUS,
            ],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "GetRandomPassword",
        input: &Structure {
            name: "GetRandomPasswordInput",
            members: &[
                Member::optional("PasswordLength", Shape::Long),
                Member::optional("ExcludeCharacters", Shape::String),
                Member::optional("ExcludeNumbers", Shape::Boolean),
                Member::optional("ExcludePunctuation", Shape::Boolean),
                Member::optional("ExcludeUppercase", Shape::Boolean),
                Member::optional("ExcludeLowercase", Shape::Boolean),
                Member::optional("IncludeSpace", Shape::Boolean),
                Member::optional("RequireEachIncludedType", Shape::Boolean),
            ],
        },
        output: &Structure {
            name: "GetRandomPasswordOutput",
            members: &[Member::optional("RandomPassword", Shape::String)],
        },
        address: None,
    },
    Operation {
        name: "GetResourcePolicy",
        input: &Structure { name: "GetResourcePolicyInput", members: &[SECRET_ID_MEMBER] },
        output: &Structure {
            name: "GetResourcePolicyOutput",
            members: &[ARN_MEMBER, NAME_MEMBER, Member::optional("ResourcePolicy", Shape::String)],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "GetSecretValue",
        input: &Structure {
            name: "GetSecretValueInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("VersionId", Shape::String),
                Member::optional("VersionStage", Shape::String),
            ],
        },
        output: &Structure { name: "GetSecretValueOutput", members: SECRET_VALUE_ENTRY.members },
        address: SECRET_ID,
    },
    Operation {
        name: "ListSecretVersionIds",
        input: &Structure {
            name: "ListSecretVersionIdsInput",
            members: &[
                SECRET_ID_MEMBER,
                MAX_RESULTS_MEMBER,
                NEXT_TOKEN_MEMBER,
                Member::optional("IncludeDeprecated", Shape::Boolean),
            ],
        },
        output: &Structure {
            name: "ListSecretVersionIdsOutput",
            members: &[
                Member::optional("Versions", Shape::List(&Shape::Structure(&SECRET_VERSIONS_LIST_ENTRY))),
                NEXT_TOKEN_MEMBER,
                ARN_MEMBER,
                NAME_MEMBER,
            ],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "ListSecrets",
        input: &Structure {
            name: "ListSecretsInput",
            members: &[
                Member::optional("IncludePlannedDeletion", Shape::Boolean),
                MAX_RESULTS_MEMBER,
                NEXT_TOKEN_MEMBER,
                Member::optional("Filters", FILTERS),
                Member::optional("SortOrder", Shape::String),
                Member::optional("SortBy", Shape::String),
            ],
        },
        output: &Structure {
            name: "ListSecretsOutput",
            members: &[
                Member::optional("SecretList", Shape::List(&Shape::Structure(&SECRET_LIST_ENTRY))),
                NEXT_TOKEN_MEMBER,
            ],
        },
        address: None,
    },
    Operation {
        name: "PutResourcePolicy",
        input: &Structure {
            name: "PutResourcePolicyInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("ResourcePolicy", Shape::String),
                Member::optional("BlockPublicPolicy", Shape::Boolean),
            ],
        },
        output: &arn_and_name_output("PutResourcePolicyOutput"),
        address: SECRET_ID,
    },
    Operation {
        name: "PutSecretValue",
        input: &Structure {
            name: "PutSecretValueInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("ClientRequestToken", Shape::String),
                Member::optional("SecretBinary", Shape::Blob),
                Member::optional("SecretString", Shape::String),
                Member::optional("VersionStages", STRING_LIST),
                Member::optional("RotationToken", Shape::String),
            ],
        },
        output: &Structure {
            name: "PutSecretValueOutput",
            members: &[
                ARN_MEMBER,
                NAME_MEMBER,
                Member::optional("VersionId", Shape::String),
                Member::optional("VersionStages", STRING_LIST),
            ],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "RestoreSecret",
        input: &Structure { name: "RestoreSecretInput", members: &[SECRET_ID_MEMBER] },
        output: &arn_and_name_output("RestoreSecretOutput"),
        address: SECRET_ID,
    },
    Operation {
        name: "TagResource",
        input: &Structure { name: "TagResourceInput", members: &[SECRET_ID_MEMBER, Member::optional("Tags", TAGS)] },
        output: &Structure { name: "TagResourceOutput", members: &[] },
        address: SECRET_ID,
    },
    Operation {
        name: "UntagResource",
        input: &Structure {
            name: "UntagResourceInput",
            members: &[SECRET_ID_MEMBER, Member::optional("TagKeys", STRING_LIST)],
        },
        output: &Structure { name: "UntagResourceOutput", members: &[] },
        address: SECRET_ID,
    },
    Operation {
        name: "UpdateSecret",
        input: &Structure {
            name: "UpdateSecretInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("ClientRequestToken", Shape::String),
                Member::optional("Description", Shape::String),
                Member::optional("KmsKeyId", Shape::String),
                Member::optional("SecretBinary", Shape::Blob),
                Member::optional("SecretString", Shape::String),
                Member::optional("Type", Shape::String),
            ],
        },
        output: &Structure {
            name: "UpdateSecretOutput",
            members: &[ARN_MEMBER, NAME_MEMBER, Member::optional("VersionId", Shape::String)],
        },
        address: SECRET_ID,
    },
    Operation {
        name: "UpdateSecretVersionStage",
        input: &Structure {
            name: "UpdateSecretVersionStageInput",
            members: &[
                SECRET_ID_MEMBER,
                Member::optional("VersionStage", Shape::String),
                Member::optional("RemoveFromVersionId", Shape::String),
                Member::optional("MoveToVersionId", Shape::String),
            ],
        },
        output: &arn_and_name_output("UpdateSecretVersionStageOutput"),
        address: SECRET_ID,
    },
    Operation {
        name: "ValidateResourcePolicy",
        input: &Structure {
            name: "ValidateResourcePolicyInput",
            members: &[SECRET_ID_MEMBER, Member::optional("ResourcePolicy", Shape::String)],
        },
        output: &Structure {
            name: "ValidateResourcePolicyOutput",
            members: &[
                Member::optional("PolicyValidationPassed", Shape::Boolean),
                Member::optional(
                    "ValidationErrors",
                    Shape::List(&Shape::Structure(&Structure {
                        name: "ValidationErrorsEntry",
                        members: &[
                            Member::optional("CheckName", Shape::String),
                            Member::optional("ErrorMessage", Shape::String),
                        ],
                    })),
                ),
            ],
        },
        address: SECRET_ID,
    },
];

/// Classifies a `SecretId` and finds the namespace of the secret it names.
///
/// `arn::parse_secret_address` tells a name from an ARN; an ARN names its
/// own namespace. Secrets Manager appends a hyphen and six random characters
/// to a secret's name in its ARN (the `SecretId` member of every operation,
/// <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html>),
/// so an ARN whose name ends that way is a full ARN and one without it is a
/// partial ARN. A name is in the caller's namespace.
/// NOTE: a partial ARN of a secret whose own name ends in a hyphen and six
/// letters or digits is classified as a full ARN; AWS has the same ambiguity.
pub(crate) fn resolve_secret_id(
    value: &str,
    input: &Map<String, Value>,
    caller: &Namespace,
) -> Option<ResolvedAddress> {
    match parse_secret_address(value).ok()? {
        SecretAddress::Name(_) => resolve_own_name(value, input, caller),
        SecretAddress::Arn { namespace, resource } => {
            let kind = if has_random_suffix(&resource) { AddressKind::Arn } else { AddressKind::PartialArn };
            Some(ResolvedAddress { kind, namespace })
        }
    }
}

/// Returns whether `name` ends in `-` and [`SECRET_SUFFIX_LEN`] ASCII letters or digits.
fn has_random_suffix(name: &str) -> bool {
    let Some((stem, suffix)) = name.rsplit_once('-') else {
        return false;
    };
    !stem.is_empty() && suffix.len() == SECRET_SUFFIX_LEN && suffix.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::operation_table_checks;

    fn caller() -> Namespace {
        Namespace::new("222222222222", "eu-central-1")
    }

    #[test]
    fn operation_table_is_consistent() {
        operation_table_checks::assert_consistent(OPERATIONS, 18);
    }

    #[test]
    fn full_arn_resolves_to_owner_namespace() {
        let arn = "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-AbC123";
        let resolved = resolve_secret_id(arn, &Map::new(), &caller()).expect("an ARN");
        assert_eq!(resolved.kind, AddressKind::Arn);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "ap-south-1"));
    }

    #[test]
    fn partial_arn_resolves_to_owner_namespace() {
        let arn = "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password";
        let resolved = resolve_secret_id(arn, &Map::new(), &caller()).expect("a partial ARN");
        assert_eq!(resolved.kind, AddressKind::PartialArn);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "ap-south-1"));
    }

    #[test]
    fn name_resolves_to_caller_namespace() {
        let resolved = resolve_secret_id("db-password", &Map::new(), &caller()).expect("a name");
        assert_eq!(resolved.kind, AddressKind::Name);
        assert_eq!(resolved.namespace, caller());
    }

    #[test]
    fn malformed_arn_is_no_address() {
        assert_eq!(resolve_secret_id("arn:aws:secretsmanager", &Map::new(), &caller()), None);
        let key_arn = "arn:aws:kms:ap-south-1:111111111111:key/k";
        assert_eq!(resolve_secret_id(key_arn, &Map::new(), &caller()), None, "not a secret ARN");
    }

    #[test]
    fn random_suffix_needs_six_alphanumerics() {
        assert!(has_random_suffix("db-AbC123"));
        assert!(!has_random_suffix("db-AbC12"));
        assert!(!has_random_suffix("db-AbC12!"));
        assert!(!has_random_suffix("-AbC123"));
        assert!(!has_random_suffix("db"));
    }
}

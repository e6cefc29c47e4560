//! The KMS operation table: every operation's input and output members,
//! nested, and the input member that carries its key address.
//!
//! Member names and types follow the AWS KMS API reference
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html>)
//! and the `aws-sdk-kms` 1.x crate; structure names are the crate's type
//! names. Outputs are listed as the driver renders them: blobs as base64 text,
//! timestamps as whole seconds since the Unix epoch, enumerations as their
//! API names.
//!
//! Key addresses (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id>):
//! a key ARN or alias ARN names its owning account and region; a bare key id
//! or an alias name (`alias/NAME`) acts in the caller's own namespace.

use crosscheck_emulator::arn::{AddressKind, Arn};
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value};

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, ResolvedAddress};

/// The prefix of an alias name, and of the resource part of an alias ARN.
const ALIAS_PREFIX: &str = "alias/";

/// The prefix of the resource part of a key ARN.
const KEY_PREFIX: &str = "key/";

const KEY_ID: Option<AddressMember> =
    Some(AddressMember { member: "KeyId", resolve: resolve_key_address, releases_name: false });

const TARGET_KEY_ID: Option<AddressMember> =
    Some(AddressMember { member: "TargetKeyId", resolve: resolve_key_address, releases_name: false });

const DESTINATION_KEY_ID: Option<AddressMember> =
    Some(AddressMember { member: "DestinationKeyId", resolve: resolve_key_address, releases_name: false });

const ALIAS_NAME: Option<AddressMember> =
    Some(AddressMember { member: "AliasName", resolve: resolve_key_address, releases_name: false });

const STRING_LIST: Shape = Shape::List(&Shape::String);
const STRING_MAP: Shape = Shape::Map(&Shape::String);

const KEY_ID_MEMBER: Member = Member::optional("KeyId", Shape::String);
const GRANT_TOKENS: Member = Member::optional("GrantTokens", STRING_LIST);
const DRY_RUN: Member = Member::optional("DryRun", Shape::Boolean);
const ENCRYPTION_CONTEXT: Member = Member::optional("EncryptionContext", STRING_MAP);
const LIMIT: Member = Member::optional("Limit", Shape::Integer);
const MARKER: Member = Member::optional("Marker", Shape::String);
const NEXT_MARKER: Member = Member::optional("NextMarker", Shape::String);
const TRUNCATED: Member = Member::optional("Truncated", Shape::Boolean);
const KEY_MATERIAL_ID: Member = Member::optional("KeyMaterialId", Shape::String);

const TAG: Structure = Structure {
    name: "Tag",
    members: &[Member::required("TagKey", Shape::String), Member::required("TagValue", Shape::String)],
};

const TAGS: Shape = Shape::List(&Shape::Structure(&TAG));

const GRANT_CONSTRAINTS: Structure = Structure {
    name: "GrantConstraints",
    members: &[
        Member::optional("EncryptionContextSubset", STRING_MAP),
        Member::optional("EncryptionContextEquals", STRING_MAP),
    ],
};

const KEY_METADATA: Structure = Structure {
    name: "KeyMetadata",
    members: &[
        Member::optional("AWSAccountId", Shape::String),
        Member::optional("KeyId", Shape::String),
        Member::optional("Arn", Shape::String),
        Member::optional("CreationDate", Shape::Long),
        Member::optional("Enabled", Shape::Boolean),
        Member::optional("Description", Shape::String),
        Member::optional("KeyUsage", Shape::String),
        Member::optional("KeyState", Shape::String),
        Member::optional("DeletionDate", Shape::Long),
        Member::optional("ValidTo", Shape::Long),
        Member::optional("Origin", Shape::String),
        Member::optional("KeyManager", Shape::String),
        Member::optional("KeySpec", Shape::String),
        Member::optional("EncryptionAlgorithms", STRING_LIST),
        Member::optional("SigningAlgorithms", STRING_LIST),
        Member::optional("MacAlgorithms", STRING_LIST),
        Member::optional("MultiRegion", Shape::Boolean),
        Member::optional("PendingDeletionWindowInDays", Shape::Integer),
    ],
};

const KEY_METADATA_MEMBER: Member = Member::optional("KeyMetadata", Shape::Structure(&KEY_METADATA));

const KEY_LIST_ENTRY: Structure = Structure {
    name: "KeyListEntry",
    members: &[Member::optional("KeyId", Shape::String), Member::optional("KeyArn", Shape::String)],
};

const ALIAS_LIST_ENTRY: Structure = Structure {
    name: "AliasListEntry",
    members: &[
        Member::optional("AliasName", Shape::String),
        Member::optional("AliasArn", Shape::String),
        Member::optional("TargetKeyId", Shape::String),
        Member::optional("CreationDate", Shape::Long),
        Member::optional("LastUpdatedDate", Shape::Long),
    ],
};

const GRANT_LIST_ENTRY: Structure = Structure {
    name: "GrantListEntry",
    members: &[
        Member::optional("KeyId", Shape::String),
        Member::optional("GrantId", Shape::String),
        Member::optional("Name", Shape::String),
        Member::optional("CreationDate", Shape::Long),
        Member::optional("GranteePrincipal", Shape::String),
        Member::optional("RetiringPrincipal", Shape::String),
        Member::optional("IssuingAccount", Shape::String),
        Member::optional("Operations", STRING_LIST),
        Member::optional("Constraints", Shape::Structure(&GRANT_CONSTRAINTS)),
    ],
};

const GRANTS: Member = Member::optional("Grants", Shape::List(&Shape::Structure(&GRANT_LIST_ENTRY)));

/// An operation that takes only `KeyId` and returns nothing.
const fn key_only(name: &'static str, input: &'static Structure, output: &'static Structure) -> Operation {
    Operation { name, input, output, address: KEY_ID }
}

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "CancelKeyDeletion",
        input: &Structure { name: "CancelKeyDeletionInput", members: &[KEY_ID_MEMBER] },
        output: &Structure { name: "CancelKeyDeletionOutput", members: &[KEY_ID_MEMBER] },
        address: KEY_ID,
    },
    Operation {
        name: "CreateAlias",
        input: &Structure {
            name: "CreateAliasInput",
            members: &[Member::optional("AliasName", Shape::String), Member::optional("TargetKeyId", Shape::String)],
        },
        output: &Structure { name: "CreateAliasOutput", members: &[] },
        address: TARGET_KEY_ID,
    },
    Operation {
        name: "CreateGrant",
        input: &Structure {
            name: "CreateGrantInput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("GranteePrincipal", Shape::String),
                Member::optional("RetiringPrincipal", Shape::String),
                Member::optional("Operations", STRING_LIST),
                Member::optional("Constraints", Shape::Structure(&GRANT_CONSTRAINTS)),
                GRANT_TOKENS,
                Member::optional("Name", Shape::String),
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "CreateGrantOutput",
            members: &[Member::optional("GrantToken", Shape::String), Member::optional("GrantId", Shape::String)],
        },
        address: KEY_ID,
    },
    Operation {
        name: "CreateKey",
        input: &Structure {
            name: "CreateKeyInput",
            members: &[
                Member::optional("Policy", Shape::String),
                Member::optional("Description", Shape::String),
                Member::optional("KeyUsage", Shape::String),
                Member::optional("KeySpec", Shape::String),
                Member::optional("Origin", Shape::String),
                Member::optional("BypassPolicyLockoutSafetyCheck", Shape::Boolean),
                Member::optional("Tags", TAGS),
                Member::optional("MultiRegion", Shape::Boolean),
            ],
        },
        output: &Structure { name: "CreateKeyOutput", members: &[KEY_METADATA_MEMBER] },
        address: None,
    },
    Operation {
        name: "Decrypt",
        input: &Structure {
            name: "DecryptInput",
            members: &[
                Member::optional("CiphertextBlob", Shape::Blob),
                ENCRYPTION_CONTEXT,
                GRANT_TOKENS,
                KEY_ID_MEMBER,
                Member::optional("EncryptionAlgorithm", Shape::String),
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "DecryptOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("Plaintext", Shape::Blob),
                Member::optional("EncryptionAlgorithm", Shape::String),
                KEY_MATERIAL_ID,
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "DeleteAlias",
        input: &Structure { name: "DeleteAliasInput", members: &[Member::optional("AliasName", Shape::String)] },
        output: &Structure { name: "DeleteAliasOutput", members: &[] },
        address: ALIAS_NAME,
    },
    Operation {
        name: "DescribeKey",
        input: &Structure { name: "DescribeKeyInput", members: &[KEY_ID_MEMBER, GRANT_TOKENS] },
        output: &Structure { name: "DescribeKeyOutput", members: &[KEY_METADATA_MEMBER] },
        address: KEY_ID,
    },
    key_only(
        "DisableKey",
        &Structure { name: "DisableKeyInput", members: &[KEY_ID_MEMBER] },
        &Structure { name: "DisableKeyOutput", members: &[] },
    ),
    key_only(
        "DisableKeyRotation",
        &Structure { name: "DisableKeyRotationInput", members: &[KEY_ID_MEMBER] },
        &Structure { name: "DisableKeyRotationOutput", members: &[] },
    ),
    key_only(
        "EnableKey",
        &Structure { name: "EnableKeyInput", members: &[KEY_ID_MEMBER] },
        &Structure { name: "EnableKeyOutput", members: &[] },
    ),
    key_only(
        "EnableKeyRotation",
        &Structure {
            name: "EnableKeyRotationInput",
            members: &[KEY_ID_MEMBER, Member::optional("RotationPeriodInDays", Shape::Integer)],
        },
        &Structure { name: "EnableKeyRotationOutput", members: &[] },
    ),
    Operation {
        name: "Encrypt",
        input: &Structure {
            name: "EncryptInput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("Plaintext", Shape::Blob),
                ENCRYPTION_CONTEXT,
                GRANT_TOKENS,
                Member::optional("EncryptionAlgorithm", Shape::String),
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "EncryptOutput",
            members: &[
                Member::optional("CiphertextBlob", Shape::Blob),
                KEY_ID_MEMBER,
                Member::optional("EncryptionAlgorithm", Shape::String),
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateDataKey",
        input: &Structure {
            name: "GenerateDataKeyInput",
            members: &[
                KEY_ID_MEMBER,
                ENCRYPTION_CONTEXT,
                Member::optional("NumberOfBytes", Shape::Integer),
                Member::optional("KeySpec", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "GenerateDataKeyOutput",
            members: &[
                Member::optional("CiphertextBlob", Shape::Blob),
                Member::optional("Plaintext", Shape::Blob),
                KEY_ID_MEMBER,
                KEY_MATERIAL_ID,
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateDataKeyPair",
        input: &Structure {
            name: "GenerateDataKeyPairInput",
            members: &[
                ENCRYPTION_CONTEXT,
                KEY_ID_MEMBER,
                Member::optional("KeyPairSpec", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "GenerateDataKeyPairOutput",
            members: &[
                Member::optional("PrivateKeyCiphertextBlob", Shape::Blob),
                Member::optional("PrivateKeyPlaintext", Shape::Blob),
                Member::optional("PublicKey", Shape::Blob),
                KEY_ID_MEMBER,
                Member::optional("KeyPairSpec", Shape::String),
                KEY_MATERIAL_ID,
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateDataKeyPairWithoutPlaintext",
        input: &Structure {
            name: "GenerateDataKeyPairWithoutPlaintextInput",
            members: &[
                ENCRYPTION_CONTEXT,
                KEY_ID_MEMBER,
                Member::optional("KeyPairSpec", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "GenerateDataKeyPairWithoutPlaintextOutput",
            members: &[
                Member::optional("PrivateKeyCiphertextBlob", Shape::Blob),
                Member::optional("PublicKey", Shape::Blob),
                KEY_ID_MEMBER,
                Member::optional("KeyPairSpec", Shape::String),
                KEY_MATERIAL_ID,
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateDataKeyWithoutPlaintext",
        input: &Structure {
            name: "GenerateDataKeyWithoutPlaintextInput",
            members: &[
                KEY_ID_MEMBER,
                ENCRYPTION_CONTEXT,
                Member::optional("KeySpec", Shape::String),
                Member::optional("NumberOfBytes", Shape::Integer),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "GenerateDataKeyWithoutPlaintextOutput",
            members: &[Member::optional("CiphertextBlob", Shape::Blob), KEY_ID_MEMBER, KEY_MATERIAL_ID],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateMac",
        input: &Structure {
            name: "GenerateMacInput",
            members: &[
                Member::optional("Message", Shape::Blob),
                KEY_ID_MEMBER,
                Member::optional("MacAlgorithm", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "GenerateMacOutput",
            members: &[
                Member::optional("Mac", Shape::Blob),
                Member::optional("MacAlgorithm", Shape::String),
                KEY_ID_MEMBER,
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GenerateRandom",
        input: &Structure {
            name: "GenerateRandomInput",
            members: &[
                Member::optional("NumberOfBytes", Shape::Integer),
                Member::optional("CustomKeyStoreId", Shape::String),
            ],
        },
        output: &Structure { name: "GenerateRandomOutput", members: &[Member::optional("Plaintext", Shape::Blob)] },
        address: None,
    },
    Operation {
        name: "GetKeyPolicy",
        input: &Structure {
            name: "GetKeyPolicyInput",
            members: &[KEY_ID_MEMBER, Member::optional("PolicyName", Shape::String)],
        },
        output: &Structure {
            name: "GetKeyPolicyOutput",
            members: &[Member::optional("Policy", Shape::String), Member::optional("PolicyName", Shape::String)],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GetKeyRotationStatus",
        input: &Structure { name: "GetKeyRotationStatusInput", members: &[KEY_ID_MEMBER] },
        output: &Structure {
            name: "GetKeyRotationStatusOutput",
            members: &[
                Member::optional("KeyRotationEnabled", Shape::Boolean),
                KEY_ID_MEMBER,
                Member::optional("RotationPeriodInDays", Shape::Integer),
                Member::optional("NextRotationDate", Shape::Long),
                Member::optional("OnDemandRotationStartDate", Shape::Long),
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "GetPublicKey",
        input: &Structure { name: "GetPublicKeyInput", members: &[KEY_ID_MEMBER, GRANT_TOKENS] },
        output: &Structure {
            name: "GetPublicKeyOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("PublicKey", Shape::Blob),
                Member::optional("KeySpec", Shape::String),
                Member::optional("KeyUsage", Shape::String),
                Member::optional("EncryptionAlgorithms", STRING_LIST),
                Member::optional("SigningAlgorithms", STRING_LIST),
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "ListAliases",
        input: &Structure { name: "ListAliasesInput", members: &[KEY_ID_MEMBER, LIMIT, MARKER] },
        output: &Structure {
            name: "ListAliasesOutput",
            members: &[
                Member::optional("Aliases", Shape::List(&Shape::Structure(&ALIAS_LIST_ENTRY))),
                NEXT_MARKER,
                TRUNCATED,
            ],
        },
        // KeyId only filters the caller's own aliases.
        address: None,
    },
    Operation {
        name: "ListGrants",
        input: &Structure {
            name: "ListGrantsInput",
            members: &[
                LIMIT,
                MARKER,
                KEY_ID_MEMBER,
                Member::optional("GrantId", Shape::String),
                Member::optional("GranteePrincipal", Shape::String),
            ],
        },
        output: &Structure { name: "ListGrantsOutput", members: &[GRANTS, NEXT_MARKER, TRUNCATED] },
        address: KEY_ID,
    },
    Operation {
        name: "ListKeyPolicies",
        input: &Structure { name: "ListKeyPoliciesInput", members: &[KEY_ID_MEMBER, LIMIT, MARKER] },
        output: &Structure {
            name: "ListKeyPoliciesOutput",
            members: &[Member::optional("PolicyNames", STRING_LIST), NEXT_MARKER, TRUNCATED],
        },
        address: KEY_ID,
    },
    Operation {
        name: "ListKeys",
        input: &Structure { name: "ListKeysInput", members: &[LIMIT, MARKER] },
        output: &Structure {
            name: "ListKeysOutput",
            members: &[
                Member::optional("Keys", Shape::List(&Shape::Structure(&KEY_LIST_ENTRY))),
                NEXT_MARKER,
                TRUNCATED,
            ],
        },
        address: None,
    },
    Operation {
        name: "ListResourceTags",
        input: &Structure { name: "ListResourceTagsInput", members: &[KEY_ID_MEMBER, LIMIT, MARKER] },
        output: &Structure {
            name: "ListResourceTagsOutput",
            members: &[Member::optional("Tags", TAGS), NEXT_MARKER, TRUNCATED],
        },
        address: KEY_ID,
    },
    Operation {
        name: "ListRetirableGrants",
        input: &Structure {
            name: "ListRetirableGrantsInput",
            members: &[LIMIT, MARKER, Member::optional("RetiringPrincipal", Shape::String)],
        },
        output: &Structure { name: "ListRetirableGrantsOutput", members: &[GRANTS, NEXT_MARKER, TRUNCATED] },
        address: None,
    },
    Operation {
        name: "PutKeyPolicy",
        input: &Structure {
            name: "PutKeyPolicyInput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("PolicyName", Shape::String),
                Member::optional("Policy", Shape::String),
                Member::optional("BypassPolicyLockoutSafetyCheck", Shape::Boolean),
            ],
        },
        output: &Structure { name: "PutKeyPolicyOutput", members: &[] },
        address: KEY_ID,
    },
    Operation {
        name: "ReEncrypt",
        input: &Structure {
            name: "ReEncryptInput",
            members: &[
                Member::optional("CiphertextBlob", Shape::Blob),
                Member::optional("SourceEncryptionContext", STRING_MAP),
                Member::optional("SourceKeyId", Shape::String),
                Member::optional("DestinationKeyId", Shape::String),
                Member::optional("DestinationEncryptionContext", STRING_MAP),
                Member::optional("SourceEncryptionAlgorithm", Shape::String),
                Member::optional("DestinationEncryptionAlgorithm", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "ReEncryptOutput",
            members: &[
                Member::optional("CiphertextBlob", Shape::Blob),
                Member::optional("SourceKeyId", Shape::String),
                KEY_ID_MEMBER,
                Member::optional("SourceEncryptionAlgorithm", Shape::String),
                Member::optional("DestinationEncryptionAlgorithm", Shape::String),
            ],
        },
        // The destination key is always named; a symmetric source key need not be.
        address: DESTINATION_KEY_ID,
    },
    Operation {
        name: "RetireGrant",
        input: &Structure {
            name: "RetireGrantInput",
            members: &[
                Member::optional("GrantToken", Shape::String),
                KEY_ID_MEMBER,
                Member::optional("GrantId", Shape::String),
                DRY_RUN,
            ],
        },
        output: &Structure { name: "RetireGrantOutput", members: &[] },
        address: KEY_ID,
    },
    Operation {
        name: "RevokeGrant",
        input: &Structure {
            name: "RevokeGrantInput",
            members: &[KEY_ID_MEMBER, Member::optional("GrantId", Shape::String), DRY_RUN],
        },
        output: &Structure { name: "RevokeGrantOutput", members: &[] },
        address: KEY_ID,
    },
    Operation {
        name: "ScheduleKeyDeletion",
        input: &Structure {
            name: "ScheduleKeyDeletionInput",
            members: &[KEY_ID_MEMBER, Member::optional("PendingWindowInDays", Shape::Integer)],
        },
        output: &Structure {
            name: "ScheduleKeyDeletionOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("DeletionDate", Shape::Long),
                Member::optional("KeyState", Shape::String),
                Member::optional("PendingWindowInDays", Shape::Integer),
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "Sign",
        input: &Structure {
            name: "SignInput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("Message", Shape::Blob),
                Member::optional("MessageType", Shape::String),
                GRANT_TOKENS,
                Member::optional("SigningAlgorithm", Shape::String),
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "SignOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("Signature", Shape::Blob),
                Member::optional("SigningAlgorithm", Shape::String),
            ],
        },
        address: KEY_ID,
    },
    key_only(
        "TagResource",
        &Structure { name: "TagResourceInput", members: &[KEY_ID_MEMBER, Member::optional("Tags", TAGS)] },
        &Structure { name: "TagResourceOutput", members: &[] },
    ),
    key_only(
        "UntagResource",
        &Structure { name: "UntagResourceInput", members: &[KEY_ID_MEMBER, Member::optional("TagKeys", STRING_LIST)] },
        &Structure { name: "UntagResourceOutput", members: &[] },
    ),
    Operation {
        name: "UpdateAlias",
        input: &Structure {
            name: "UpdateAliasInput",
            members: &[Member::optional("AliasName", Shape::String), Member::optional("TargetKeyId", Shape::String)],
        },
        output: &Structure { name: "UpdateAliasOutput", members: &[] },
        address: TARGET_KEY_ID,
    },
    key_only(
        "UpdateKeyDescription",
        &Structure {
            name: "UpdateKeyDescriptionInput",
            members: &[KEY_ID_MEMBER, Member::optional("Description", Shape::String)],
        },
        &Structure { name: "UpdateKeyDescriptionOutput", members: &[] },
    ),
    Operation {
        name: "Verify",
        input: &Structure {
            name: "VerifyInput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("Message", Shape::Blob),
                Member::optional("MessageType", Shape::String),
                Member::optional("Signature", Shape::Blob),
                Member::optional("SigningAlgorithm", Shape::String),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "VerifyOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("SignatureValid", Shape::Boolean),
                Member::optional("SigningAlgorithm", Shape::String),
            ],
        },
        address: KEY_ID,
    },
    Operation {
        name: "VerifyMac",
        input: &Structure {
            name: "VerifyMacInput",
            members: &[
                Member::optional("Message", Shape::Blob),
                KEY_ID_MEMBER,
                Member::optional("MacAlgorithm", Shape::String),
                Member::optional("Mac", Shape::Blob),
                GRANT_TOKENS,
                DRY_RUN,
            ],
        },
        output: &Structure {
            name: "VerifyMacOutput",
            members: &[
                KEY_ID_MEMBER,
                Member::optional("MacValid", Shape::Boolean),
                Member::optional("MacAlgorithm", Shape::String),
            ],
        },
        address: KEY_ID,
    },
];

/// Classifies a KMS key address and finds the namespace that owns the key.
///
/// A key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`) and an alias ARN
/// (`...:alias/NAME`) name their namespace. An alias name (`alias/NAME`) and
/// a bare key id act in the caller's namespace. An ARN of another service,
/// or a KMS ARN whose resource is neither a key nor an alias, is not a key address.
pub(super) fn resolve_key_address(
    value: &str,
    _input: &Map<String, Value>,
    caller: &Namespace,
) -> Option<ResolvedAddress> {
    if let Ok(arn) = value.parse::<Arn>() {
        if arn.service != "kms" {
            return None;
        }
        let kind = if arn.resource.starts_with(KEY_PREFIX) {
            AddressKind::Arn
        } else if arn.resource.starts_with(ALIAS_PREFIX) {
            AddressKind::AliasArn
        } else {
            return None;
        };
        return Some(ResolvedAddress { kind, namespace: arn.namespace()? });
    }
    if value.starts_with("arn:") {
        return None;
    }
    let kind = if value.starts_with(ALIAS_PREFIX) { AddressKind::AliasName } else { AddressKind::Id };
    Some(ResolvedAddress { kind, namespace: caller.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(value: &str) -> Option<ResolvedAddress> {
        resolve_key_address(value, &Map::new(), &Namespace::new("222222222222", "eu-central-1"))
    }

    #[test]
    fn structures_are_named_after_their_operation() {
        for operation in OPERATIONS {
            assert_eq!(operation.input.name, format!("{}Input", operation.name), "input of {}", operation.name);
            assert_eq!(operation.output.name, format!("{}Output", operation.name), "output of {}", operation.name);
        }
    }

    #[test]
    fn address_member_is_an_input_member() {
        for operation in OPERATIONS {
            if let Some(address) = operation.address {
                assert!(
                    operation.input.member(address.member).is_some(),
                    "{} addresses by {}, which is not an input member",
                    operation.name,
                    address.member
                );
            }
        }
    }

    #[test]
    fn top_level_input_members_are_optional() {
        for operation in OPERATIONS {
            for member in operation.input.members {
                assert!(!member.required, "{}.{} is marked required", operation.name, member.name);
            }
        }
    }

    #[test]
    fn key_arn_resolves_to_owner_namespace() {
        let resolved = resolve("arn:aws:kms:ap-south-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(
            resolved,
            Some(ResolvedAddress { kind: AddressKind::Arn, namespace: Namespace::new("111111111111", "ap-south-1") })
        );
    }

    #[test]
    fn alias_arn_resolves_to_owner_namespace() {
        let resolved = resolve("arn:aws:kms:ap-south-1:111111111111:alias/shared");
        assert_eq!(
            resolved,
            Some(ResolvedAddress {
                kind: AddressKind::AliasArn,
                namespace: Namespace::new("111111111111", "ap-south-1")
            })
        );
    }

    #[test]
    fn bare_id_and_alias_name_stay_in_caller_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let id = resolve("1234abcd-12ab-34cd-56ef-1234567890ab").expect("a key id");
        assert_eq!((id.kind, id.namespace), (AddressKind::Id, caller.clone()));
        let alias = resolve("alias/shared").expect("an alias name");
        assert_eq!((alias.kind, alias.namespace), (AddressKind::AliasName, caller));
    }

    #[test]
    fn other_arns_are_not_key_addresses() {
        assert_eq!(resolve("arn:aws:sqs:ap-south-1:111111111111:queue"), None);
        assert_eq!(resolve("arn:aws:kms:ap-south-1:111111111111:grant/x"), None);
        assert_eq!(resolve("arn:not-valid"), None);
    }
}

//! The Lambda operation table: every operation's input and output members,
//! nested, and the input member that carries its resource address.
//!
//! Member names and types follow the Lambda API reference
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html> and
//! its Data Types pages) and the `aws-sdk-lambda` 1.x crate; structure names
//! are the crate's type names. Outputs are listed as the driver renders them.
//! The driver's own input forms (`ZipFile` as files or base64, `Payload` as
//! JSON, `PayloadSizeBytes`) are described in `driver/lambda.rs`.

use crosscheck_emulator::arn::{parse_function_address, parse_layer_address};
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value};

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, ResolvedAddress};

/// Classifies a function name, partial ARN, full ARN or qualified ARN.
///
/// A bare name acts in the caller's namespace, and a partial ARN names its
/// account but takes the region from the caller's endpoint.
pub(super) fn resolve_function(
    value: &str,
    _input: &Map<String, Value>,
    caller: &Namespace,
) -> Option<ResolvedAddress> {
    let address = parse_function_address(value).ok()?;
    Some(ResolvedAddress { kind: address.kind(), namespace: address.namespace(caller) })
}

/// Classifies a layer name, layer ARN or layer version ARN.
pub(super) fn resolve_layer(value: &str, _input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress> {
    let address = parse_layer_address(value).ok()?;
    let kind = address.kind();
    Some(ResolvedAddress { kind, namespace: address.namespace.unwrap_or_else(|| caller.clone()) })
}

const FUNCTION_NAME: Option<AddressMember> =
    Some(AddressMember { member: "FunctionName", resolve: resolve_function, releases_name: false });
const RESOURCE: Option<AddressMember> =
    Some(AddressMember { member: "Resource", resolve: resolve_function, releases_name: false });
const LAYER_NAME: Option<AddressMember> =
    Some(AddressMember { member: "LayerName", resolve: resolve_layer, releases_name: false });
const LAYER_VERSION_ARN: Option<AddressMember> =
    Some(AddressMember { member: "Arn", resolve: resolve_layer, releases_name: false });

const STRING_LIST: Shape = Shape::List(&Shape::String);
const STRING_MAP: Shape = Shape::Map(&Shape::String);

const FUNCTION_NAME_MEMBER: Member = Member::optional("FunctionName", Shape::String);
const QUALIFIER_MEMBER: Member = Member::optional("Qualifier", Shape::String);
const MARKER_MEMBER: Member = Member::optional("Marker", Shape::String);
const MAX_ITEMS_MEMBER: Member = Member::optional("MaxItems", Shape::Integer);
const NEXT_MARKER_MEMBER: Member = Member::optional("NextMarker", Shape::String);
const REVISION_ID_MEMBER: Member = Member::optional("RevisionId", Shape::String);
const LAYER_NAME_MEMBER: Member = Member::optional("LayerName", Shape::String);
const VERSION_NUMBER_MEMBER: Member = Member::optional("VersionNumber", Shape::Long);
const STATEMENT_ID_MEMBER: Member = Member::optional("StatementId", Shape::String);
const RESOURCE_MEMBER: Member = Member::optional("Resource", Shape::String);
const RESERVED_CONCURRENCY_MEMBER: Member = Member::optional("ReservedConcurrentExecutions", Shape::Integer);

/// A deployment package as a scenario writes it: the files the driver zips,
/// or the archive's bytes as base64. Exactly one of the two.
pub(super) const ZIP_ARCHIVE: Structure = Structure {
    name: "ZipArchive",
    members: &[Member::optional("Files", STRING_MAP), Member::optional("Base64", Shape::Blob)],
};

const ZIP_FILE_MEMBER: Member = Member::optional("ZipFile", Shape::Structure(&ZIP_ARCHIVE));

const FUNCTION_CODE: Structure = Structure {
    name: "FunctionCode",
    members: &[
        ZIP_FILE_MEMBER,
        Member::optional("S3Bucket", Shape::String),
        Member::optional("S3Key", Shape::String),
        Member::optional("S3ObjectVersion", Shape::String),
        Member::optional("ImageUri", Shape::String),
    ],
};

const LAYER_VERSION_CONTENT_INPUT: Structure = Structure {
    name: "LayerVersionContentInput",
    members: &[
        ZIP_FILE_MEMBER,
        Member::optional("S3Bucket", Shape::String),
        Member::optional("S3Key", Shape::String),
        Member::optional("S3ObjectVersion", Shape::String),
    ],
};

const ENVIRONMENT: Structure = Structure { name: "Environment", members: &[Member::optional("Variables", STRING_MAP)] };

const ALIAS_ROUTING_CONFIGURATION: Structure = Structure {
    name: "AliasRoutingConfiguration",
    members: &[Member::optional("AdditionalVersionWeights", Shape::Map(&Shape::Double))],
};

const LAYER: Structure = Structure {
    name: "Layer",
    members: &[Member::optional("Arn", Shape::String), Member::optional("CodeSize", Shape::Long)],
};

/// The members of a function's configuration, as CreateFunction,
/// GetFunctionConfiguration, the update operations and PublishVersion return it.
const FUNCTION_CONFIGURATION_MEMBERS: &[Member] = &[
    FUNCTION_NAME_MEMBER,
    Member::optional("FunctionArn", Shape::String),
    Member::optional("Runtime", Shape::String),
    Member::optional("Role", Shape::String),
    Member::optional("Handler", Shape::String),
    Member::optional("CodeSize", Shape::Long),
    Member::optional("CodeSha256", Shape::String),
    Member::optional("Description", Shape::String),
    Member::optional("Timeout", Shape::Integer),
    Member::optional("MemorySize", Shape::Integer),
    Member::optional("LastModified", Shape::String),
    Member::optional("Version", Shape::String),
    Member::optional("Environment", Shape::Structure(&ENVIRONMENT)),
    REVISION_ID_MEMBER,
    Member::optional("Layers", Shape::List(&Shape::Structure(&LAYER))),
    Member::optional("State", Shape::String),
    Member::optional("LastUpdateStatus", Shape::String),
    Member::optional("PackageType", Shape::String),
    Member::optional("Architectures", STRING_LIST),
];

const FUNCTION_CONFIGURATION: Structure =
    Structure { name: "FunctionConfiguration", members: FUNCTION_CONFIGURATION_MEMBERS };

const FUNCTION_CODE_LOCATION: Structure =
    Structure { name: "FunctionCodeLocation", members: &[Member::optional("RepositoryType", Shape::String)] };

const CONCURRENCY: Structure = Structure { name: "Concurrency", members: &[RESERVED_CONCURRENCY_MEMBER] };

const ALIAS_CONFIGURATION_MEMBERS: &[Member] = &[
    Member::optional("AliasArn", Shape::String),
    Member::optional("Name", Shape::String),
    Member::optional("FunctionVersion", Shape::String),
    Member::optional("Description", Shape::String),
    Member::optional("RoutingConfig", Shape::Structure(&ALIAS_ROUTING_CONFIGURATION)),
    REVISION_ID_MEMBER,
];

const ALIAS_CONFIGURATION: Structure = Structure { name: "AliasConfiguration", members: ALIAS_CONFIGURATION_MEMBERS };

const LAYER_VERSION_CONTENT_OUTPUT: Structure = Structure {
    name: "LayerVersionContentOutput",
    members: &[Member::optional("CodeSha256", Shape::String), Member::optional("CodeSize", Shape::Long)],
};

/// The members of one layer version, as PublishLayerVersion and
/// GetLayerVersion return it; the list items leave out `Content` and `LayerArn`.
const LAYER_VERSION_MEMBERS: &[Member] = &[
    Member::optional("Content", Shape::Structure(&LAYER_VERSION_CONTENT_OUTPUT)),
    Member::optional("LayerArn", Shape::String),
    Member::optional("LayerVersionArn", Shape::String),
    Member::optional("Description", Shape::String),
    Member::optional("CreatedDate", Shape::String),
    Member::optional("Version", Shape::Long),
    Member::optional("CompatibleRuntimes", STRING_LIST),
    Member::optional("CompatibleArchitectures", STRING_LIST),
    Member::optional("LicenseInfo", Shape::String),
];

const LAYER_VERSIONS_LIST_ITEM: Structure = Structure {
    name: "LayerVersionsListItem",
    members: &[
        Member::optional("LayerVersionArn", Shape::String),
        Member::optional("Version", Shape::Long),
        Member::optional("Description", Shape::String),
        Member::optional("CreatedDate", Shape::String),
        Member::optional("CompatibleRuntimes", STRING_LIST),
        Member::optional("CompatibleArchitectures", STRING_LIST),
        Member::optional("LicenseInfo", Shape::String),
    ],
};

const LAYERS_LIST_ITEM: Structure = Structure {
    name: "LayersListItem",
    members: &[
        Member::optional("LayerName", Shape::String),
        Member::optional("LayerArn", Shape::String),
        Member::optional("LatestMatchingVersion", Shape::Structure(&LAYER_VERSIONS_LIST_ITEM)),
    ],
};

/// The members of the function-policy outputs: the policy and its revision.
const POLICY_MEMBERS: &[Member] = &[Member::optional("Policy", Shape::String), REVISION_ID_MEMBER];

/// The input of operations that name a function and nothing else.
const FUNCTION_ONLY: &[Member] = &[FUNCTION_NAME_MEMBER];

/// The input of operations that name one layer version.
const LAYER_VERSION_ONLY: &[Member] = &[LAYER_NAME_MEMBER, VERSION_NUMBER_MEMBER];

const ALIAS_INPUT_MEMBERS: &[Member] = &[
    FUNCTION_NAME_MEMBER,
    Member::optional("Name", Shape::String),
    Member::optional("FunctionVersion", Shape::String),
    Member::optional("Description", Shape::String),
    Member::optional("RoutingConfig", Shape::Structure(&ALIAS_ROUTING_CONFIGURATION)),
];

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "AddLayerVersionPermission",
        input: &Structure {
            name: "AddLayerVersionPermissionInput",
            members: &[
                LAYER_NAME_MEMBER,
                VERSION_NUMBER_MEMBER,
                STATEMENT_ID_MEMBER,
                Member::optional("Action", Shape::String),
                Member::optional("Principal", Shape::String),
                Member::optional("OrganizationId", Shape::String),
                REVISION_ID_MEMBER,
            ],
        },
        output: &Structure {
            name: "AddLayerVersionPermissionOutput",
            members: &[Member::optional("Statement", Shape::String), REVISION_ID_MEMBER],
        },
        address: LAYER_NAME,
    },
    Operation {
        name: "AddPermission",
        input: &Structure {
            name: "AddPermissionInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                STATEMENT_ID_MEMBER,
                Member::optional("Action", Shape::String),
                Member::optional("Principal", Shape::String),
                Member::optional("SourceArn", Shape::String),
                Member::optional("SourceAccount", Shape::String),
                Member::optional("EventSourceToken", Shape::String),
                QUALIFIER_MEMBER,
                REVISION_ID_MEMBER,
                Member::optional("PrincipalOrgID", Shape::String),
                Member::optional("FunctionUrlAuthType", Shape::String),
            ],
        },
        output: &Structure { name: "AddPermissionOutput", members: &[Member::optional("Statement", Shape::String)] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "CreateAlias",
        input: &Structure { name: "CreateAliasInput", members: ALIAS_INPUT_MEMBERS },
        output: &Structure { name: "CreateAliasOutput", members: ALIAS_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "CreateFunction",
        input: &Structure {
            name: "CreateFunctionInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("Runtime", Shape::String),
                Member::optional("Role", Shape::String),
                Member::optional("Handler", Shape::String),
                Member::optional("Code", Shape::Structure(&FUNCTION_CODE)),
                Member::optional("Description", Shape::String),
                Member::optional("Timeout", Shape::Integer),
                Member::optional("MemorySize", Shape::Integer),
                Member::optional("Publish", Shape::Boolean),
                Member::optional("PackageType", Shape::String),
                Member::optional("Environment", Shape::Structure(&ENVIRONMENT)),
                Member::optional("Tags", STRING_MAP),
                Member::optional("Layers", STRING_LIST),
                Member::optional("Architectures", STRING_LIST),
            ],
        },
        output: &Structure { name: "CreateFunctionOutput", members: FUNCTION_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "DeleteAlias",
        input: &Structure {
            name: "DeleteAliasInput",
            members: &[FUNCTION_NAME_MEMBER, Member::optional("Name", Shape::String)],
        },
        output: &Structure { name: "DeleteAliasOutput", members: &[] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "DeleteFunction",
        input: &Structure { name: "DeleteFunctionInput", members: &[FUNCTION_NAME_MEMBER, QUALIFIER_MEMBER] },
        output: &Structure { name: "DeleteFunctionOutput", members: &[] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "DeleteFunctionConcurrency",
        input: &Structure { name: "DeleteFunctionConcurrencyInput", members: FUNCTION_ONLY },
        output: &Structure { name: "DeleteFunctionConcurrencyOutput", members: &[] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "DeleteLayerVersion",
        input: &Structure { name: "DeleteLayerVersionInput", members: LAYER_VERSION_ONLY },
        output: &Structure { name: "DeleteLayerVersionOutput", members: &[] },
        address: LAYER_NAME,
    },
    Operation {
        name: "GetAlias",
        input: &Structure {
            name: "GetAliasInput",
            members: &[FUNCTION_NAME_MEMBER, Member::optional("Name", Shape::String)],
        },
        output: &Structure { name: "GetAliasOutput", members: ALIAS_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "GetFunction",
        input: &Structure { name: "GetFunctionInput", members: &[FUNCTION_NAME_MEMBER, QUALIFIER_MEMBER] },
        output: &Structure {
            name: "GetFunctionOutput",
            members: &[
                Member::optional("Configuration", Shape::Structure(&FUNCTION_CONFIGURATION)),
                Member::optional("Code", Shape::Structure(&FUNCTION_CODE_LOCATION)),
                Member::optional("Tags", STRING_MAP),
                Member::optional("Concurrency", Shape::Structure(&CONCURRENCY)),
            ],
        },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "GetFunctionConcurrency",
        input: &Structure { name: "GetFunctionConcurrencyInput", members: FUNCTION_ONLY },
        output: &Structure { name: "GetFunctionConcurrencyOutput", members: &[RESERVED_CONCURRENCY_MEMBER] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "GetFunctionConfiguration",
        input: &Structure { name: "GetFunctionConfigurationInput", members: &[FUNCTION_NAME_MEMBER, QUALIFIER_MEMBER] },
        output: &Structure { name: "GetFunctionConfigurationOutput", members: FUNCTION_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "GetLayerVersion",
        input: &Structure { name: "GetLayerVersionInput", members: LAYER_VERSION_ONLY },
        output: &Structure { name: "GetLayerVersionOutput", members: LAYER_VERSION_MEMBERS },
        address: LAYER_NAME,
    },
    Operation {
        name: "GetLayerVersionByArn",
        input: &Structure { name: "GetLayerVersionByArnInput", members: &[Member::optional("Arn", Shape::String)] },
        output: &Structure { name: "GetLayerVersionByArnOutput", members: LAYER_VERSION_MEMBERS },
        address: LAYER_VERSION_ARN,
    },
    Operation {
        name: "GetLayerVersionPolicy",
        input: &Structure { name: "GetLayerVersionPolicyInput", members: LAYER_VERSION_ONLY },
        output: &Structure { name: "GetLayerVersionPolicyOutput", members: POLICY_MEMBERS },
        address: LAYER_NAME,
    },
    Operation {
        name: "GetPolicy",
        input: &Structure { name: "GetPolicyInput", members: &[FUNCTION_NAME_MEMBER, QUALIFIER_MEMBER] },
        output: &Structure { name: "GetPolicyOutput", members: POLICY_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "Invoke",
        input: &Structure {
            name: "InvokeInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("InvocationType", Shape::String),
                Member::optional("LogType", Shape::String),
                Member::optional("ClientContext", Shape::String),
                Member::optional("Payload", Shape::Document),
                Member::optional("PayloadSizeBytes", Shape::Integer),
                QUALIFIER_MEMBER,
            ],
        },
        output: &Structure {
            name: "InvokeOutput",
            members: &[
                Member::optional("StatusCode", Shape::Integer),
                Member::optional("FunctionError", Shape::String),
                Member::optional("LogResult", Shape::String),
                Member::optional("Payload", Shape::Document),
                Member::optional("ExecutedVersion", Shape::String),
            ],
        },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "ListAliases",
        input: &Structure {
            name: "ListAliasesInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("FunctionVersion", Shape::String),
                MARKER_MEMBER,
                MAX_ITEMS_MEMBER,
            ],
        },
        output: &Structure {
            name: "ListAliasesOutput",
            members: &[
                NEXT_MARKER_MEMBER,
                Member::optional("Aliases", Shape::List(&Shape::Structure(&ALIAS_CONFIGURATION))),
            ],
        },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "ListFunctions",
        input: &Structure {
            name: "ListFunctionsInput",
            members: &[
                Member::optional("MasterRegion", Shape::String),
                Member::optional("FunctionVersion", Shape::String),
                MARKER_MEMBER,
                MAX_ITEMS_MEMBER,
            ],
        },
        output: &Structure {
            name: "ListFunctionsOutput",
            members: &[
                NEXT_MARKER_MEMBER,
                Member::optional("Functions", Shape::List(&Shape::Structure(&FUNCTION_CONFIGURATION))),
            ],
        },
        address: None,
    },
    Operation {
        name: "ListLayerVersions",
        input: &Structure {
            name: "ListLayerVersionsInput",
            members: &[
                Member::optional("CompatibleRuntime", Shape::String),
                LAYER_NAME_MEMBER,
                MARKER_MEMBER,
                MAX_ITEMS_MEMBER,
                Member::optional("CompatibleArchitecture", Shape::String),
            ],
        },
        output: &Structure {
            name: "ListLayerVersionsOutput",
            members: &[
                NEXT_MARKER_MEMBER,
                Member::optional("LayerVersions", Shape::List(&Shape::Structure(&LAYER_VERSIONS_LIST_ITEM))),
            ],
        },
        address: LAYER_NAME,
    },
    Operation {
        name: "ListLayers",
        input: &Structure {
            name: "ListLayersInput",
            members: &[
                Member::optional("CompatibleRuntime", Shape::String),
                MARKER_MEMBER,
                MAX_ITEMS_MEMBER,
                Member::optional("CompatibleArchitecture", Shape::String),
            ],
        },
        output: &Structure {
            name: "ListLayersOutput",
            members: &[
                NEXT_MARKER_MEMBER,
                Member::optional("Layers", Shape::List(&Shape::Structure(&LAYERS_LIST_ITEM))),
            ],
        },
        address: None,
    },
    Operation {
        name: "ListTags",
        input: &Structure { name: "ListTagsInput", members: &[RESOURCE_MEMBER] },
        output: &Structure { name: "ListTagsOutput", members: &[Member::optional("Tags", STRING_MAP)] },
        address: RESOURCE,
    },
    Operation {
        name: "ListVersionsByFunction",
        input: &Structure {
            name: "ListVersionsByFunctionInput",
            members: &[FUNCTION_NAME_MEMBER, MARKER_MEMBER, MAX_ITEMS_MEMBER],
        },
        output: &Structure {
            name: "ListVersionsByFunctionOutput",
            members: &[
                NEXT_MARKER_MEMBER,
                Member::optional("Versions", Shape::List(&Shape::Structure(&FUNCTION_CONFIGURATION))),
            ],
        },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "PublishLayerVersion",
        input: &Structure {
            name: "PublishLayerVersionInput",
            members: &[
                LAYER_NAME_MEMBER,
                Member::optional("Description", Shape::String),
                Member::optional("Content", Shape::Structure(&LAYER_VERSION_CONTENT_INPUT)),
                Member::optional("CompatibleRuntimes", STRING_LIST),
                Member::optional("LicenseInfo", Shape::String),
                Member::optional("CompatibleArchitectures", STRING_LIST),
            ],
        },
        output: &Structure { name: "PublishLayerVersionOutput", members: LAYER_VERSION_MEMBERS },
        address: LAYER_NAME,
    },
    Operation {
        name: "PublishVersion",
        input: &Structure {
            name: "PublishVersionInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("CodeSha256", Shape::String),
                Member::optional("Description", Shape::String),
                REVISION_ID_MEMBER,
            ],
        },
        output: &Structure { name: "PublishVersionOutput", members: FUNCTION_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "PutFunctionConcurrency",
        input: &Structure {
            name: "PutFunctionConcurrencyInput",
            members: &[FUNCTION_NAME_MEMBER, RESERVED_CONCURRENCY_MEMBER],
        },
        output: &Structure { name: "PutFunctionConcurrencyOutput", members: &[RESERVED_CONCURRENCY_MEMBER] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "RemoveLayerVersionPermission",
        input: &Structure {
            name: "RemoveLayerVersionPermissionInput",
            members: &[LAYER_NAME_MEMBER, VERSION_NUMBER_MEMBER, STATEMENT_ID_MEMBER, REVISION_ID_MEMBER],
        },
        output: &Structure { name: "RemoveLayerVersionPermissionOutput", members: &[] },
        address: LAYER_NAME,
    },
    Operation {
        name: "RemovePermission",
        input: &Structure {
            name: "RemovePermissionInput",
            members: &[FUNCTION_NAME_MEMBER, STATEMENT_ID_MEMBER, QUALIFIER_MEMBER, REVISION_ID_MEMBER],
        },
        output: &Structure { name: "RemovePermissionOutput", members: &[] },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "TagResource",
        input: &Structure {
            name: "TagResourceInput",
            members: &[RESOURCE_MEMBER, Member::optional("Tags", STRING_MAP)],
        },
        output: &Structure { name: "TagResourceOutput", members: &[] },
        address: RESOURCE,
    },
    Operation {
        name: "UntagResource",
        input: &Structure {
            name: "UntagResourceInput",
            members: &[RESOURCE_MEMBER, Member::optional("TagKeys", STRING_LIST)],
        },
        output: &Structure { name: "UntagResourceOutput", members: &[] },
        address: RESOURCE,
    },
    Operation {
        name: "UpdateAlias",
        input: &Structure {
            name: "UpdateAliasInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("Name", Shape::String),
                Member::optional("FunctionVersion", Shape::String),
                Member::optional("Description", Shape::String),
                Member::optional("RoutingConfig", Shape::Structure(&ALIAS_ROUTING_CONFIGURATION)),
                REVISION_ID_MEMBER,
            ],
        },
        output: &Structure { name: "UpdateAliasOutput", members: ALIAS_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "UpdateFunctionCode",
        input: &Structure {
            name: "UpdateFunctionCodeInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                ZIP_FILE_MEMBER,
                Member::optional("S3Bucket", Shape::String),
                Member::optional("S3Key", Shape::String),
                Member::optional("S3ObjectVersion", Shape::String),
                Member::optional("Publish", Shape::Boolean),
                Member::optional("DryRun", Shape::Boolean),
                REVISION_ID_MEMBER,
                Member::optional("Architectures", STRING_LIST),
            ],
        },
        output: &Structure { name: "UpdateFunctionCodeOutput", members: FUNCTION_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
    Operation {
        name: "UpdateFunctionConfiguration",
        input: &Structure {
            name: "UpdateFunctionConfigurationInput",
            members: &[
                FUNCTION_NAME_MEMBER,
                Member::optional("Role", Shape::String),
                Member::optional("Handler", Shape::String),
                Member::optional("Description", Shape::String),
                Member::optional("Timeout", Shape::Integer),
                Member::optional("MemorySize", Shape::Integer),
                Member::optional("Environment", Shape::Structure(&ENVIRONMENT)),
                Member::optional("Runtime", Shape::String),
                REVISION_ID_MEMBER,
                Member::optional("Layers", STRING_LIST),
            ],
        },
        output: &Structure { name: "UpdateFunctionConfigurationOutput", members: FUNCTION_CONFIGURATION_MEMBERS },
        address: FUNCTION_NAME,
    },
];

#[cfg(test)]
mod tests {
    use crosscheck_emulator::arn::AddressKind;

    use super::*;
    use crate::driver::operation_table_checks;

    fn resolve(member: Option<AddressMember>, value: &str) -> Option<ResolvedAddress> {
        let caller = Namespace::new("222222222222", "eu-central-1");
        (member.expect("an address").resolve)(value, &Map::new(), &caller)
    }

    #[test]
    fn operation_table_is_consistent() {
        operation_table_checks::assert_consistent(OPERATIONS, 33);
    }

    #[test]
    fn function_addresses_resolve_by_kind() {
        let owner = Namespace::new("111111111111", "ap-south-1");
        let caller = Namespace::new("222222222222", "eu-central-1");
        let cases = [
            ("orders", AddressKind::Name, caller.clone()),
            ("111111111111:function:orders", AddressKind::PartialArn, Namespace::new("111111111111", "eu-central-1")),
            ("arn:aws:lambda:ap-south-1:111111111111:function:orders", AddressKind::Arn, owner.clone()),
            ("arn:aws:lambda:ap-south-1:111111111111:function:orders:live", AddressKind::QualifiedArn, owner),
        ];
        for (value, kind, namespace) in cases {
            assert_eq!(resolve(FUNCTION_NAME, value), Some(ResolvedAddress { kind, namespace }), "{value}");
        }
        assert_eq!(resolve(FUNCTION_NAME, "not a name"), None);
    }

    #[test]
    fn layer_addresses_resolve_by_kind() {
        let owner = Namespace::new("111111111111", "ap-south-1");
        let name = resolve(LAYER_NAME, "shared").expect("a layer name");
        assert_eq!((name.kind, name.namespace), (AddressKind::Name, Namespace::new("222222222222", "eu-central-1")));
        let arn = resolve(LAYER_NAME, "arn:aws:lambda:ap-south-1:111111111111:layer:shared").expect("a layer ARN");
        assert_eq!((arn.kind, arn.namespace), (AddressKind::Arn, owner.clone()));
        let version =
            resolve(LAYER_VERSION_ARN, "arn:aws:lambda:ap-south-1:111111111111:layer:shared:2").expect("a version ARN");
        assert_eq!((version.kind, version.namespace), (AddressKind::LayerVersionArn, owner));
    }
}

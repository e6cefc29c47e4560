//! Functions, versions, aliases, concurrency and tags within one account.

use std::collections::HashMap;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, Environment, FunctionCode, Runtime};

use crate::common::{OWNER, REGION, ROLE, client, create_function, error_of, python_zip, start, zip};

#[tokio::test]
async fn function_lifecycle_round_trips() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);

    let created = lambda
        .create_function()
        .function_name("lifecycle")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .timeout(7)
        .memory_size(256)
        .environment(Environment::builder().variables("CUSTOM", "one").build())
        .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
        .send()
        .await
        .expect("CreateFunction");
    let arn = created.function_arn().expect("FunctionArn").to_owned();
    assert_eq!(
        arn,
        format!("arn:aws:lambda:{REGION}:{OWNER}:function:lifecycle"),
        "the ARN carries the owner and region"
    );
    assert_eq!(created.version(), Some("$LATEST"));
    assert_eq!(created.timeout(), Some(7));
    assert_eq!(created.memory_size(), Some(256));

    let by_name = lambda.get_function().function_name("lifecycle").send().await.expect("GetFunction by name");
    let configuration = by_name.configuration().expect("Configuration");
    assert_eq!(configuration.handler(), Some("app.handler"));
    assert_eq!(
        configuration.environment().and_then(|e| e.variables()).and_then(|v| v.get("CUSTOM")).map(String::as_str),
        Some("one")
    );

    let by_arn = lambda.get_function_configuration().function_name(&arn).send().await.expect("by full ARN");
    assert_eq!(by_arn.function_name(), Some("lifecycle"));
    let partial = format!("{OWNER}:function:lifecycle");
    let by_partial = lambda.get_function_configuration().function_name(&partial).send().await.expect("by partial ARN");
    assert_eq!(by_partial.function_arn(), Some(arn.as_str()));

    let updated = lambda
        .update_function_configuration()
        .function_name("lifecycle")
        .timeout(9)
        .description("updated")
        .send()
        .await
        .expect("UpdateFunctionConfiguration");
    assert_eq!(updated.timeout(), Some(9));
    assert_eq!(updated.description(), Some("updated"));

    let new_zip = zip(&[("app.py", b"def handler(event, context):\n    return 2\n", 0o644)]);
    let code = lambda
        .update_function_code()
        .function_name("lifecycle")
        .zip_file(Blob::new(new_zip.clone()))
        .send()
        .await
        .expect("UpdateFunctionCode");
    assert_eq!(code.code_size(), i64::try_from(new_zip.len()).expect("size"), "CodeSize is the new zip's size");

    let duplicate = lambda
        .create_function()
        .function_name("lifecycle")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
        .send()
        .await
        .expect_err("a second CreateFunction of the same name fails");
    assert_eq!(error_of(&duplicate), ("ResourceConflictException".to_owned(), 409));

    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert_eq!(listed.functions().len(), 1);

    lambda.delete_function().function_name("lifecycle").send().await.expect("DeleteFunction");
    let after_delete = lambda.get_function().function_name("lifecycle").send().await.expect_err("deleted");
    assert_eq!(error_of(&after_delete), ("ResourceNotFoundException".to_owned(), 404));
    server.shutdown().await;
}

#[tokio::test]
async fn versions_and_weighted_alias() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let arn = create_function(&lambda, "versioned", Runtime::Python312, "app.handler", python_zip()).await;

    let first = lambda.publish_version().function_name("versioned").send().await.expect("PublishVersion 1");
    assert_eq!(first.version(), Some("1"));
    assert_eq!(first.function_arn(), Some(format!("{arn}:1").as_str()));
    let unchanged = lambda.publish_version().function_name("versioned").send().await.expect("PublishVersion unchanged");
    assert_eq!(unchanged.version(), Some("1"), "an unchanged $LATEST publishes no new version");

    lambda
        .update_function_configuration()
        .function_name("versioned")
        .description("second")
        .send()
        .await
        .expect("update");
    let second = lambda.publish_version().function_name("versioned").send().await.expect("PublishVersion 2");
    assert_eq!(second.version(), Some("2"));

    let versions =
        lambda.list_versions_by_function().function_name("versioned").send().await.expect("ListVersionsByFunction");
    let names: Vec<&str> = versions.versions().iter().filter_map(|v| v.version()).collect();
    assert_eq!(names, ["$LATEST", "1", "2"]);

    let weights = HashMap::from([("2".to_owned(), 0.25)]);
    let alias = lambda
        .create_alias()
        .function_name("versioned")
        .name("live")
        .function_version("1")
        .routing_config(AliasRoutingConfiguration::builder().set_additional_version_weights(Some(weights)).build())
        .send()
        .await
        .expect("CreateAlias");
    assert_eq!(alias.alias_arn(), Some(format!("{arn}:live").as_str()));
    let fetched = lambda.get_alias().function_name("versioned").name("live").send().await.expect("GetAlias");
    let weight =
        fetched.routing_config().and_then(|r| r.additional_version_weights()).and_then(|w| w.get("2")).copied();
    assert_eq!(weight, Some(0.25));

    let by_alias =
        lambda.get_function_configuration().function_name(format!("{arn}:live")).send().await.expect("by alias ARN");
    assert_eq!(by_alias.version(), Some("1"));

    let updated = lambda
        .update_alias()
        .function_name("versioned")
        .name("live")
        .function_version("2")
        .routing_config(AliasRoutingConfiguration::builder().build())
        .send()
        .await
        .expect("UpdateAlias");
    assert_eq!(updated.function_version(), Some("2"));

    let in_use = lambda
        .delete_function()
        .function_name("versioned")
        .qualifier("2")
        .send()
        .await
        .expect_err("version 2 is aliased");
    assert_eq!(error_of(&in_use).0, "ResourceConflictException");
    let aliases = lambda.list_aliases().function_name("versioned").send().await.expect("ListAliases");
    assert_eq!(aliases.aliases().len(), 1);
    lambda.delete_alias().function_name("versioned").name("live").send().await.expect("DeleteAlias");
    lambda.delete_function().function_name("versioned").qualifier("1").send().await.expect("delete version 1");
    let missing = lambda.get_function().function_name("versioned:1").send().await.expect_err("version 1 deleted");
    assert_eq!(error_of(&missing).0, "ResourceNotFoundException");
    server.shutdown().await;
}

#[tokio::test]
async fn concurrency_and_tags() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let arn = create_function(&lambda, "tagged", Runtime::Python312, "app.handler", python_zip()).await;

    let put = lambda
        .put_function_concurrency()
        .function_name("tagged")
        .reserved_concurrent_executions(5)
        .send()
        .await
        .expect("PutFunctionConcurrency");
    assert_eq!(put.reserved_concurrent_executions(), Some(5));
    let got = lambda.get_function_concurrency().function_name("tagged").send().await.expect("GetFunctionConcurrency");
    assert_eq!(got.reserved_concurrent_executions(), Some(5));
    let too_many = lambda
        .put_function_concurrency()
        .function_name("tagged")
        .reserved_concurrent_executions(950)
        .send()
        .await
        .expect_err("above the unreserved minimum");
    assert_eq!(error_of(&too_many).0, "InvalidParameterValueException");
    lambda.delete_function_concurrency().function_name("tagged").send().await.expect("DeleteFunctionConcurrency");
    let cleared =
        lambda.get_function_concurrency().function_name("tagged").send().await.expect("GetFunctionConcurrency");
    assert_eq!(cleared.reserved_concurrent_executions(), None);

    lambda.tag_resource().resource(&arn).tags("team", "core").tags("stage", "test").send().await.expect("TagResource");
    lambda.untag_resource().resource(&arn).tag_keys("stage").send().await.expect("UntagResource");
    let tags = lambda.list_tags().resource(&arn).send().await.expect("ListTags");
    let tags = tags.tags().expect("Tags");
    assert_eq!(tags.get("team").map(String::as_str), Some("core"));
    assert!(!tags.contains_key("stage"), "the removed tag is absent");
    server.shutdown().await;
}

#[tokio::test]
async fn code_from_emulator_s3() {
    let server = start().await;
    let credentials = aws_credential_types::Credentials::new(OWNER, "test", None, None, "crosscheck-tests");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(REGION))
            .credentials_provider(credentials)
            .endpoint_url(server.endpoint_url())
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket("code-bucket")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder().location_constraint(REGION.into()).build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    let package = python_zip();
    s3.put_object().bucket("code-bucket").key("app.zip").body(package.clone().into()).send().await.expect("PutObject");

    let lambda = client(&server, OWNER, REGION);
    let created = lambda
        .create_function()
        .function_name("from-s3")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .code(FunctionCode::builder().s3_bucket("code-bucket").s3_key("app.zip").build())
        .send()
        .await
        .expect("CreateFunction from S3");
    assert_eq!(created.code_size(), i64::try_from(package.len()).expect("size"));

    let missing = lambda
        .create_function()
        .function_name("from-s3-missing")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .code(FunctionCode::builder().s3_bucket("code-bucket").s3_key("absent.zip").build())
        .send()
        .await
        .expect_err("the key does not exist");
    assert_eq!(error_of(&missing).0, "InvalidParameterValueException");
    server.shutdown().await;
}

#[tokio::test]
async fn list_functions_pages() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    for name in ["a-one", "b-two", "c-three"] {
        create_function(&lambda, name, Runtime::Python312, "app.handler", python_zip()).await;
    }
    let first = lambda.list_functions().max_items(2).send().await.expect("ListFunctions page 1");
    let names: Vec<&str> = first.functions().iter().filter_map(|f| f.function_name()).collect();
    assert_eq!(names, ["a-one", "b-two"]);
    let marker = first.next_marker().expect("NextMarker on a partial page").to_owned();
    let second = lambda.list_functions().max_items(2).marker(marker).send().await.expect("ListFunctions page 2");
    let names: Vec<&str> = second.functions().iter().filter_map(|f| f.function_name()).collect();
    assert_eq!(names, ["c-three"]);
    assert_eq!(second.next_marker(), None, "the last page has no NextMarker");

    let paginated: Vec<String> = lambda
        .list_functions()
        .max_items(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate")
        .into_iter()
        .filter_map(|f| f.function_name().map(str::to_owned))
        .collect();
    assert_eq!(paginated, ["a-one", "b-two", "c-three"], "the SDK paginator walks every page");
    server.shutdown().await;
}

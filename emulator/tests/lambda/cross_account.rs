//! Another account's functions and layers by ARN, under each profile, with
//! and without function and layer version permissions.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use serde_json::Value;

use crate::common::{
    OTHER, OWNER, REGION, client, create_function, error_of, interpreter_available, outcome, python_zip, start,
    start_profile, zip,
};

const OTHER_ROLE: &str = "arn:aws:iam::222222222222:role/lambda-role";

#[tokio::test]
async fn localstack_allows_other_account_by_arn() {
    let server = start().await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    let arn = create_function(&owner, "shared", Runtime::Python312, "app.handler", python_zip()).await;

    let configuration = other.get_function_configuration().function_name(&arn).send().await;
    assert_eq!(outcome(&configuration), "ok", "localstack: GetFunctionConfiguration by ARN from another account");
    let by_name = other.get_function_configuration().function_name("shared").send().await;
    assert_eq!(outcome(&by_name), "ResourceNotFoundException", "a bare name stays in the caller's own account");
    let tagged = other.tag_resource().resource(&arn).tags("k", "v").send().await;
    assert_eq!(outcome(&tagged), "ok", "localstack: TagResource across accounts");
    server.shutdown().await;
}

#[tokio::test]
async fn localstack_unlisted_operation_stays_in_own_account() {
    let server = start().await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    let arn = create_function(&owner, "private", Runtime::Python312, "app.handler", python_zip()).await;

    let concurrency = other.get_function_concurrency().function_name(&arn).send().await;
    assert_eq!(outcome(&concurrency), "ResourceNotFoundException", "localstack lists no GetFunctionConcurrency");
    let granted = other
        .add_permission()
        .function_name(&arn)
        .statement_id("self-grant")
        .action("lambda:InvokeFunction")
        .principal(OTHER)
        .send()
        .await;
    assert_eq!(outcome(&granted), "ResourceNotFoundException", "localstack lists no AddPermission");
    let policy = owner.get_policy().function_name(&arn).send().await;
    assert_eq!(outcome(&policy), "ResourceNotFoundException", "the rejected AddPermission added no policy");
    server.shutdown().await;
}

#[tokio::test]
async fn function_policy_decides_other_account() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, REGION);
        let other = client(&server, OTHER, REGION);
        let arn = create_function(&owner, "guarded", Runtime::Python312, "app.handler", python_zip()).await;

        let denied =
            other.get_function_configuration().function_name(&arn).send().await.expect_err("no permission yet");
        assert_eq!(error_of(&denied), ("AccessDeniedException".to_owned(), 403), "{profile}: no permission");
        let denied = other.invoke().function_name(&arn).dry_run_invoke().await;
        assert_eq!(denied, "AccessDeniedException", "{profile}: Invoke without permission");

        owner
            .add_permission()
            .function_name("guarded")
            .statement_id("other-invoke")
            .action("lambda:InvokeFunction")
            .principal(OTHER)
            .send()
            .await
            .expect("AddPermission");
        let policy = owner.get_policy().function_name("guarded").send().await.expect("GetPolicy");
        let document: Value = serde_json::from_str(policy.policy().expect("Policy")).expect("JSON policy");
        assert_eq!(document["Statement"][0]["Principal"]["AWS"], format!("arn:aws:iam::{OTHER}:root"));
        assert_eq!(document["Statement"][0]["Resource"], arn.as_str());

        assert_eq!(
            other.invoke().function_name(&arn).dry_run_invoke().await,
            "ok",
            "{profile}: Invoke with permission"
        );
        let still_denied = other.get_function_configuration().function_name(&arn).send().await;
        assert_eq!(
            outcome(&still_denied),
            "AccessDeniedException",
            "{profile}: the permission covers only lambda:InvokeFunction"
        );

        owner
            .remove_permission()
            .function_name("guarded")
            .statement_id("other-invoke")
            .send()
            .await
            .expect("RemovePermission");
        assert_eq!(
            other.invoke().function_name(&arn).dry_run_invoke().await,
            "AccessDeniedException",
            "{profile}: after RemovePermission"
        );
        server.shutdown().await;
    }
}

#[tokio::test]
async fn alias_permission_needs_alias_arn() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    let arn = create_function(&owner, "aliased", Runtime::Python312, "app.handler", python_zip()).await;
    owner.publish_version().function_name("aliased").send().await.expect("PublishVersion");
    owner.create_alias().function_name("aliased").name("live").function_version("1").send().await.expect("CreateAlias");
    owner
        .add_permission()
        .function_name("aliased")
        .qualifier("live")
        .statement_id("alias-only")
        .action("lambda:InvokeFunction")
        .principal(OTHER)
        .send()
        .await
        .expect("AddPermission on the alias");

    assert_eq!(
        other.invoke().function_name(format!("{arn}:live")).dry_run_invoke().await,
        "ok",
        "through the alias ARN"
    );
    assert_eq!(
        other.invoke().function_name(&arn).dry_run_invoke().await,
        "AccessDeniedException",
        "unqualified, which is $LATEST"
    );
    assert_eq!(
        other.invoke().function_name(format!("{arn}:$LATEST")).dry_run_invoke().await,
        "AccessDeniedException",
        "$LATEST"
    );
    assert_eq!(
        other.invoke().function_name(format!("{arn}:1")).dry_run_invoke().await,
        "AccessDeniedException",
        "the version behind the alias"
    );
    let unqualified_policy = owner.get_policy().function_name("aliased").send().await;
    assert_eq!(outcome(&unqualified_policy), "ResourceNotFoundException", "the unqualified function has no policy");
    server.shutdown().await;
}

/// Invokes with `DryRun` and returns the error code or "ok".
trait DryRun {
    async fn dry_run_invoke(self) -> String;
}

impl DryRun for aws_sdk_lambda::operation::invoke::builders::InvokeFluentBuilder {
    async fn dry_run_invoke(self) -> String {
        outcome(&self.invocation_type(aws_sdk_lambda::types::InvocationType::DryRun).send().await)
    }
}

/// Builds a layer zip with a Python module `greeting` under `python/`, where Lambda layers keep Python code.
fn layer_zip() -> Vec<u8> {
    zip(&[("python/greeting.py", b"WORD = 'from the layer'\n", 0o644)])
}

const LAYER_APP: &[u8] = b"import greeting\n\ndef handler(event, context):\n    return {'word': greeting.WORD}\n";

async fn create_with_layer(client: &aws_sdk_lambda::Client, name: &str, layer_arn: &str) -> String {
    let result = client
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(OTHER_ROLE)
        .handler("app.handler")
        .layers(layer_arn)
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("app.py", LAYER_APP, 0o644)]))).build())
        .send()
        .await;
    outcome(&result)
}

#[tokio::test]
async fn other_account_layer_needs_permission() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    let published = owner
        .publish_layer_version()
        .layer_name("shared-layer")
        .compatible_runtimes(Runtime::Python312)
        .content(aws_sdk_lambda::types::LayerVersionContentInput::builder().zip_file(Blob::new(layer_zip())).build())
        .send()
        .await
        .expect("PublishLayerVersion");
    let layer_arn = published.layer_version_arn().expect("LayerVersionArn").to_owned();
    assert_eq!(layer_arn, format!("arn:aws:lambda:{REGION}:{OWNER}:layer:shared-layer:1"));

    // The other account has a layer of the same name; it must never stand in.
    other
        .publish_layer_version()
        .layer_name("shared-layer")
        .content(aws_sdk_lambda::types::LayerVersionContentInput::builder().zip_file(Blob::new(layer_zip())).build())
        .send()
        .await
        .expect("PublishLayerVersion in the other account");

    assert_eq!(
        create_with_layer(&other, "uses-layer", &layer_arn).await,
        "AccessDeniedException",
        "no layer permission"
    );
    let by_arn = other.get_layer_version_by_arn().arn(&layer_arn).send().await;
    assert_eq!(outcome(&by_arn), "AccessDeniedException", "GetLayerVersionByArn without permission");

    owner
        .add_layer_version_permission()
        .layer_name("shared-layer")
        .version_number(1)
        .statement_id("other-account")
        .action("lambda:GetLayerVersion")
        .principal(OTHER)
        .send()
        .await
        .expect("AddLayerVersionPermission");
    let policy = owner
        .get_layer_version_policy()
        .layer_name("shared-layer")
        .version_number(1)
        .send()
        .await
        .expect("GetLayerVersionPolicy");
    assert!(policy.policy().is_some_and(|text| text.contains(OTHER)), "the policy names the account");

    assert_eq!(create_with_layer(&other, "uses-layer", &layer_arn).await, "ok", "with the layer permission");
    let configuration =
        other.get_function_configuration().function_name("uses-layer").send().await.expect("GetFunctionConfiguration");
    assert_eq!(
        configuration.layers().first().and_then(|layer| layer.arn()),
        Some(layer_arn.as_str()),
        "the owner's layer, not the caller's"
    );

    if interpreter_available("python3") {
        let output = other.invoke().function_name("uses-layer").send().await.expect("Invoke");
        let body: Value = serde_json::from_slice(output.payload().expect("Payload").as_ref()).expect("JSON");
        assert_eq!(body["word"], "from the layer", "the layer's python/ directory is on PYTHONPATH");
    }

    owner
        .remove_layer_version_permission()
        .layer_name("shared-layer")
        .version_number(1)
        .statement_id("other-account")
        .send()
        .await
        .expect("RemoveLayerVersionPermission");
    assert_eq!(
        create_with_layer(&other, "uses-layer-2", &layer_arn).await,
        "AccessDeniedException",
        "after RemoveLayerVersionPermission"
    );

    let versions = owner.list_layer_versions().layer_name("shared-layer").send().await.expect("ListLayerVersions");
    assert_eq!(versions.layer_versions().len(), 1);
    let layers = owner.list_layers().send().await.expect("ListLayers");
    assert_eq!(layers.layers().len(), 1);
    owner.delete_layer_version().layer_name("shared-layer").version_number(1).send().await.expect("DeleteLayerVersion");
    let after_delete = owner.get_layer_version().layer_name("shared-layer").version_number(1).send().await;
    assert_eq!(outcome(&after_delete), "ResourceNotFoundException");
    server.shutdown().await;
}

#[tokio::test]
async fn localstack_uses_other_account_layer() {
    let server = start().await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    let published = owner
        .publish_layer_version()
        .layer_name("open-layer")
        .content(aws_sdk_lambda::types::LayerVersionContentInput::builder().zip_file(Blob::new(layer_zip())).build())
        .send()
        .await
        .expect("PublishLayerVersion");
    let layer_arn = published.layer_version_arn().expect("LayerVersionArn").to_owned();
    assert_eq!(
        create_with_layer(&other, "uses-open-layer", &layer_arn).await,
        "ok",
        "localstack: no layer permission needed"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn public_layer_permission_and_node_path() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, REGION);
    let other = client(&server, OTHER, REGION);
    // Node.js layers keep modules under nodejs/node_modules, which NODE_PATH names.
    let layer =
        zip(&[("nodejs/node_modules/greet/index.js", b"module.exports = (name) => 'layer greets ' + name;\n", 0o644)]);
    let published = owner
        .publish_layer_version()
        .layer_name("node-layer")
        .content(aws_sdk_lambda::types::LayerVersionContentInput::builder().zip_file(Blob::new(layer)).build())
        .send()
        .await
        .expect("PublishLayerVersion");
    let layer_arn = published.layer_version_arn().expect("LayerVersionArn").to_owned();
    owner
        .add_layer_version_permission()
        .layer_name("node-layer")
        .version_number(1)
        .statement_id("everyone")
        .action("lambda:GetLayerVersion")
        .principal("*")
        .send()
        .await
        .expect("AddLayerVersionPermission for *");

    let app = b"const greet = require('greet');\nexports.handler = async (event) => ({ text: greet(event.name) });\n";
    let created = other
        .create_function()
        .function_name("node-with-layer")
        .runtime(Runtime::Nodejs20x)
        .role(OTHER_ROLE)
        .handler("index.handler")
        .layers(&layer_arn)
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("index.js", app, 0o644)]))).build())
        .send()
        .await;
    assert_eq!(outcome(&created), "ok", "a * permission lets any account use the layer");

    if interpreter_available("node") {
        let output = other
            .invoke()
            .function_name("node-with-layer")
            .payload(Blob::new(br#"{"name":"b"}"#.to_vec()))
            .send()
            .await
            .expect("Invoke");
        let body: Value = serde_json::from_slice(output.payload().expect("Payload").as_ref()).expect("JSON");
        assert_eq!(body["text"], "layer greets b", "the layer's nodejs/node_modules is on NODE_PATH");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn other_region_function_by_arn() {
    let other_region = "ap-south-1";
    // AWS rejects another region's function ARN with ResourceNotFoundException
    // "Functions from 'REGION' are not reachable in this region ('REGION')",
    // as user reports quote it (https://github.com/aws/aws-cdk/issues/11826).
    for (profile, expected) in [("localstack", "ok"), ("aws", "ResourceNotFoundException")] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, REGION);
        let elsewhere = client(&server, OWNER, other_region);
        let arn = create_function(&owner, "regional", Runtime::Python312, "app.handler", python_zip()).await;
        let result = elsewhere.get_function_configuration().function_name(&arn).send().await;
        assert_eq!(outcome(&result), expected, "{profile}: the owner's ARN from another region's endpoint");
        if let Err(error) = &result {
            let (_, status) = error_of(error);
            assert_eq!(status, 404, "{profile}: a function of another region is not found");
            let message = aws_sdk_lambda::error::ProvideErrorMetadata::message(error).unwrap_or_default();
            assert_eq!(
                message,
                format!("Functions from '{REGION}' are not reachable in this region ('{other_region}')"),
                "{profile}: the message names both regions"
            );
        }
        let by_name = elsewhere.get_function_configuration().function_name("regional").send().await;
        assert_eq!(outcome(&by_name), "ResourceNotFoundException", "{profile}: a name stays in the endpoint's region");
        server.shutdown().await;
    }
}

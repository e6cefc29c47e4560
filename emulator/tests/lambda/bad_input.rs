//! Invalid requests, each rejected with Lambda's error code and no change of state.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};

use crate::common::{OWNER, REGION, ROLE, client, create_function, error_of, outcome, python_zip, start};

async fn create_raw(client: &aws_sdk_lambda::Client, name: &str, runtime: Runtime, zip_bytes: Vec<u8>) -> String {
    let result = client
        .create_function()
        .function_name(name)
        .runtime(runtime)
        .role(ROLE)
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(zip_bytes)).build())
        .send()
        .await;
    outcome(&result)
}

#[tokio::test]
async fn invalid_zip_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    assert_eq!(
        create_raw(&lambda, "bad-zip", Runtime::Python312, b"not a zip file".to_vec()).await,
        "InvalidParameterValueException"
    );
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "nothing was created");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_runtime_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    assert_eq!(
        create_raw(&lambda, "bad-runtime", Runtime::from("python2.9"), python_zip()).await,
        "InvalidParameterValueException"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_payload_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "big", Runtime::Python312, "app.handler", python_zip()).await;
    let mut payload = b"\"".to_vec();
    payload.extend(std::iter::repeat_n(b'x', 6 * 1024 * 1024));
    payload.push(b'"');
    let error = lambda.invoke().function_name("big").payload(Blob::new(payload)).send().await.expect_err("over 6 MB");
    assert_eq!(error_of(&error), ("RequestTooLargeException".to_owned(), 413));
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_function_addresses_are_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "real", Runtime::Python312, "app.handler", python_zip()).await;
    for address in [
        "arn:aws:sqs:eu-west-1:111111111111:function:real",
        "arn:aws:lambda:eu-west-1:1111:function:real",
        "arn:aws:lambda:eu-west-1:111111111111:layer:real",
        "name with spaces",
        "12:function:real",
    ] {
        let result = lambda.get_function().function_name(address).send().await;
        assert_eq!(outcome(&result), "ValidationException", "address {address:?}");
    }
    let missing =
        lambda.get_function().function_name("arn:aws:lambda:eu-west-1:111111111111:function:absent").send().await;
    assert_eq!(outcome(&missing), "ResourceNotFoundException");
    let conflict = lambda.get_function().function_name("real:1").qualifier("2").send().await;
    assert_eq!(outcome(&conflict), "InvalidParameterValueException", "qualifier in the ARN and the parameter differ");
    server.shutdown().await;
}

#[tokio::test]
async fn reserved_environment_variable_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let result = lambda
        .create_function()
        .function_name("reserved")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(aws_sdk_lambda::types::Environment::builder().variables("AWS_REGION", "us-east-1").build())
        .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
        .send()
        .await;
    assert_eq!(outcome(&result), "InvalidParameterValueException");
    server.shutdown().await;
}

#[tokio::test]
async fn non_json_payload_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "json-only", Runtime::Python312, "app.handler", python_zip()).await;
    let result = lambda.invoke().function_name("json-only").payload(Blob::new(b"{not json".to_vec())).send().await;
    assert_eq!(outcome(&result), "InvalidRequestContentException");
    server.shutdown().await;
}

#[tokio::test]
async fn missing_alias_version_is_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "no-versions", Runtime::Python312, "app.handler", python_zip()).await;
    let result = lambda.create_alias().function_name("no-versions").name("live").function_version("7").send().await;
    assert_eq!(outcome(&result), "ResourceNotFoundException");
    let numeric =
        lambda.create_alias().function_name("no-versions").name("123").function_version("$LATEST").send().await;
    assert_eq!(outcome(&numeric), "ValidationException", "an alias name may not be all digits");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_layer_arns_are_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    for (layer, expected) in [
        ("arn:aws:lambda:eu-west-1:111111111111:layer:absent:1", "InvalidParameterValueException"),
        ("arn:aws:lambda:eu-west-1:111111111111:layer:no-version", "ValidationException"),
        ("arn:aws:sqs:eu-west-1:111111111111:layer:wrong-service:1", "ValidationException"),
    ] {
        let result = lambda
            .create_function()
            .function_name("with-bad-layer")
            .runtime(Runtime::Python312)
            .role(ROLE)
            .handler("app.handler")
            .layers(layer)
            .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
            .send()
            .await;
        assert_eq!(outcome(&result), expected, "layer {layer}");
    }
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");
    server.shutdown().await;
}

#[tokio::test]
async fn zero_padded_version_is_not_a_version() {
    // Lambda names versions "1", "2", ... so "01" names no version, and it must not
    // reach version 1 behind the back of the aliases that reference it.
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "padded", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.publish_version().function_name("padded").send().await.expect("PublishVersion");
    lambda.create_alias().function_name("padded").name("live").function_version("1").send().await.expect("CreateAlias");

    let padded_alias = lambda.create_alias().function_name("padded").name("padded").function_version("01").send().await;
    assert_eq!(outcome(&padded_alias), "ResourceNotFoundException", "CreateAlias with FunctionVersion 01");
    let aliases = lambda.list_aliases().function_name("padded").send().await.expect("ListAliases");
    assert_eq!(aliases.aliases().len(), 1, "only the alias live exists");

    let padded_get = lambda.get_function().function_name("padded").qualifier("01").send().await;
    assert_eq!(outcome(&padded_get), "ResourceNotFoundException", "GetFunction with Qualifier 01");

    let padded_delete = lambda.delete_function().function_name("padded").qualifier("01").send().await;
    assert_eq!(outcome(&padded_delete), "ResourceNotFoundException", "DeleteFunction with Qualifier 01");
    let version = lambda.get_function().function_name("padded").qualifier("1").send().await;
    assert_eq!(outcome(&version), "ok", "version 1 survives");
    let through_alias = lambda.get_function().function_name("padded").qualifier("live").send().await;
    assert_eq!(outcome(&through_alias), "ok", "the alias live still reaches version 1");

    let padded_permission = lambda
        .add_permission()
        .function_name("padded")
        .qualifier("01")
        .statement_id("padded")
        .action("lambda:InvokeFunction")
        .principal(crate::common::OTHER)
        .send()
        .await;
    assert_eq!(outcome(&padded_permission), "ResourceNotFoundException", "AddPermission with Qualifier 01");
    server.shutdown().await;
}

/// Builds a package with `app.py` and one more entry named `name`.
fn zip_with_entry(name: &str) -> Vec<u8> {
    crate::common::zip(&[("app.py", crate::common::PYTHON_APP.as_bytes(), 0o644), (name, b"print('x')\n", 0o644)])
}

#[tokio::test]
async fn unsafe_zip_paths_are_rejected() {
    // The package is unpacked at invocation time, so an entry that cannot be
    // unpacked safely must be rejected when the code is uploaded.
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    for name in ["../escape.py", "/absolute.py", "lib/../../escape.py", "./app.py", ""] {
        let result = create_raw(&lambda, "unsafe-path", Runtime::Python312, zip_with_entry(name)).await;
        assert_eq!(result, "InvalidParameterValueException", "CreateFunction with entry {name:?}");
    }
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");

    let arn = create_function(&lambda, "safe", Runtime::Python312, "app.handler", python_zip()).await;
    let before = lambda.get_function().function_name(&arn).send().await.expect("GetFunction");
    let update = lambda
        .update_function_code()
        .function_name("safe")
        .zip_file(Blob::new(zip_with_entry("../escape.py")))
        .send()
        .await;
    assert_eq!(outcome(&update), "InvalidParameterValueException", "UpdateFunctionCode with ../escape.py");
    let after = lambda.get_function().function_name(&arn).send().await.expect("GetFunction");
    let sha = |output: &aws_sdk_lambda::operation::get_function::GetFunctionOutput| {
        output.configuration().and_then(|configuration| configuration.code_sha256()).map(str::to_owned)
    };
    assert_eq!(sha(&before), sha(&after), "the code is unchanged");

    let layer = lambda
        .publish_layer_version()
        .layer_name("unsafe")
        .content(
            aws_sdk_lambda::types::LayerVersionContentInput::builder()
                .zip_file(Blob::new(zip_with_entry("../../etc/escape")))
                .build(),
        )
        .send()
        .await;
    assert_eq!(outcome(&layer), "InvalidParameterValueException", "PublishLayerVersion with ../../etc/escape");
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_unzipped_package_is_rejected() {
    // Lambda rejects a package over 262144000 bytes unpacked when it is uploaded.
    // The entry declares 300 MiB in the central directory but stores a few bytes.
    let mut package = python_zip();
    let central = package.windows(4).position(|window| window == b"PK\x01\x02").expect("a central directory entry");
    package[central + 24..central + 28].copy_from_slice(&(300u32 * 1024 * 1024).to_le_bytes());

    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let result = lambda
        .create_function()
        .function_name("huge")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(package)).build())
        .send()
        .await;
    let error = result.expect_err("a package over 262144000 bytes unpacked");
    assert_eq!(error_of(&error), ("InvalidParameterValueException".to_owned(), 400));
    let message = aws_sdk_lambda::error::ProvideErrorMetadata::message(&error).unwrap_or_default().to_owned();
    assert!(message.contains("262144000"), "the message names the limit: {message}");
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_environment_is_rejected() {
    // Keys follow [a-zA-Z]([a-zA-Z0-9_])+ and all variables together take at most 4 KB
    // (https://docs.aws.amazon.com/lambda/latest/dg/API_Environment.html,
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let create = |variables: aws_sdk_lambda::types::Environment| {
        lambda
            .create_function()
            .function_name("env")
            .runtime(Runtime::Python312)
            .role(ROLE)
            .handler("app.handler")
            .environment(variables)
            .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
            .send()
    };
    for key in ["1BAD", "A", "A-B", "A=B", "_LEADING"] {
        let variables = aws_sdk_lambda::types::Environment::builder().variables(key, "value").build();
        assert_eq!(outcome(&create(variables).await), "ValidationException", "variable name {key:?}");
    }
    let large = aws_sdk_lambda::types::Environment::builder().variables("LARGE", "x".repeat(5000)).build();
    assert_eq!(outcome(&create(large).await), "InvalidParameterValueException", "variables over 4 KB");
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");

    create_function(&lambda, "env-update", Runtime::Python312, "app.handler", python_zip()).await;
    let update = lambda
        .update_function_configuration()
        .function_name("env-update")
        .environment(aws_sdk_lambda::types::Environment::builder().variables("9LIVES", "x").build())
        .send()
        .await;
    assert_eq!(outcome(&update), "ValidationException", "UpdateFunctionConfiguration with 9LIVES");
    let configuration =
        lambda.get_function_configuration().function_name("env-update").send().await.expect("GetFunctionConfiguration");
    let variables = configuration.environment().and_then(|environment| environment.variables());
    assert!(variables.is_none_or(|variables| variables.is_empty()), "the configuration is unchanged: {variables:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_handler_and_description_are_rejected() {
    // Handler: at most 128 characters matching [^\s]+; Description: at most 256 characters
    // (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let long_handler = format!("app.{}", "h".repeat(125));
    for handler in ["", "app handler", "app.handler\n", long_handler.as_str()] {
        let result = lambda
            .create_function()
            .function_name("handler")
            .runtime(Runtime::Python312)
            .role(ROLE)
            .handler(handler)
            .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
            .send()
            .await;
        assert_eq!(outcome(&result), "ValidationException", "handler {handler:?}");
    }
    let description = lambda
        .create_function()
        .function_name("handler")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .description("d".repeat(257))
        .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
        .send()
        .await;
    assert_eq!(outcome(&description), "ValidationException", "a description of 257 characters");
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");

    create_function(&lambda, "handler-update", Runtime::Python312, "app.handler", python_zip()).await;
    let update =
        lambda.update_function_configuration().function_name("handler-update").handler("app. handler").send().await;
    assert_eq!(outcome(&update), "ValidationException", "UpdateFunctionConfiguration with a space in the handler");
    let update_description = lambda
        .update_function_configuration()
        .function_name("handler-update")
        .description("d".repeat(257))
        .send()
        .await;
    assert_eq!(outcome(&update_description), "ValidationException", "UpdateFunctionConfiguration with 257 characters");
    let configuration = lambda
        .get_function_configuration()
        .function_name("handler-update")
        .send()
        .await
        .expect("GetFunctionConfiguration");
    assert_eq!(configuration.handler(), Some("app.handler"), "the handler is unchanged");
    assert_eq!(configuration.description(), Some(""), "the description is unchanged");
    server.shutdown().await;
}

#[tokio::test]
async fn unusual_valid_json_payload_is_accepted() {
    if !crate::common::interpreter_available("python3") {
        return;
    }
    // RFC 8259 allows numbers of any size and unpaired surrogate escapes, so
    // these payloads are JSON and reach the handler.
    let app = b"def handler(event, context):\n    return {'type': type(event).__name__}\n";
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(
        &lambda,
        "echo-type",
        Runtime::Python312,
        "app.handler",
        crate::common::zip(&[("app.py", app, 0o644)]),
    )
    .await;
    for (payload, expected_type) in
        [("1".repeat(400), "int"), ("1e400".to_owned(), "float"), (r#""\ud800""#.to_owned(), "str")]
    {
        let result = lambda.invoke().function_name("echo-type").payload(Blob::new(payload.clone())).send().await;
        let output = result.unwrap_or_else(|error| panic!("payload {payload:.20}: {:?}", error_of(&error)));
        assert_eq!(output.function_error(), None, "payload {payload:.20}");
        let body: serde_json::Value =
            serde_json::from_slice(output.payload().expect("Payload").as_ref()).expect("a JSON result");
        assert_eq!(body["type"], expected_type, "payload {payload:.20}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn layer_compatible_runtimes_follow_model() {
    // CompatibleRuntimes and the CompatibleRuntime filter take any value of the
    // API's Runtime enum, including runtimes the emulator cannot run, and
    // ListLayers returns only layers with a matching version
    // (https://docs.aws.amazon.com/lambda/latest/api/API_ListLayers.html).
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let publish = |name: &'static str, runtimes: &[&str]| {
        let mut request = lambda.publish_layer_version().layer_name(name).content(
            aws_sdk_lambda::types::LayerVersionContentInput::builder().zip_file(Blob::new(python_zip())).build(),
        );
        for runtime in runtimes {
            request = request.compatible_runtimes(Runtime::from(*runtime));
        }
        request.send()
    };
    assert_eq!(outcome(&publish("mixed", &["python3.12", "java21", "ruby3.3"]).await), "ok", "known runtimes");
    assert_eq!(outcome(&publish("node-only", &["nodejs20.x"]).await), "ok", "one runtime");
    let newest = ["python3.14", "nodejs24.x", "java25", "ruby3.4", "dotnet10"];
    assert_eq!(outcome(&publish("newest", &newest).await), "ok", "the newest runtimes");
    assert_eq!(outcome(&publish("bogus", &["cobol85"]).await), "ValidationException", "an unknown runtime");

    let java = lambda.list_layers().compatible_runtime(Runtime::from("java21")).send().await.expect("ListLayers");
    let names: Vec<&str> = java.layers().iter().filter_map(|layer| layer.layer_name()).collect();
    assert_eq!(names, ["mixed"], "only the layer compatible with java21");
    let all = lambda.list_layers().send().await.expect("ListLayers");
    assert_eq!(all.layers().len(), 3, "no filter lists every layer");

    let bad_filter = lambda.list_layers().compatible_runtime(Runtime::from("cobol85")).send().await;
    assert_eq!(outcome(&bad_filter), "ValidationException", "ListLayers with an unknown runtime");
    let bad_versions_filter =
        lambda.list_layer_versions().layer_name("mixed").compatible_runtime(Runtime::from("cobol85")).send().await;
    assert_eq!(outcome(&bad_versions_filter), "ValidationException", "ListLayerVersions with an unknown runtime");
    server.shutdown().await;
}

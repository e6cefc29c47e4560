//! Symbolic links in deployment packages, built by Python's `zipfile` as a
//! packaging tool stores them. A handler reached through a link runs. A link
//! that would let another entry escape is rejected at upload. A layer's link
//! never redirects a later layer's files outside the unpacked code.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, LayerVersionContentInput, Runtime};
use serde_json::json;

use crate::common::{OWNER, PYTHON_APP, REGION, ROLE, client, interpreter_available, outcome, start};

/// Builds a zip archive with Python's `zipfile`. Each entry is a name, its
/// content and whether it is a symbolic link whose target is that content.
fn python_zip(entries: &[(&str, &str, bool)]) -> Vec<u8> {
    const SCRIPT: &str = r#"
import io, json, sys, zipfile
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    for name, content, link in json.load(sys.stdin):
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = (0o120777 if link else 0o100644) << 16
        archive.writestr(info, content)
sys.stdout.buffer.write(buffer.getvalue())
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start python3");
    let spec = serde_json::to_vec(&json!(entries)).expect("entries as JSON");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &spec).expect("write the entries");
    let output = child.wait_with_output().expect("python3 builds the zip");
    assert!(output.status.success(), "python3 zipfile failed");
    output.stdout
}

async fn create(lambda: &aws_sdk_lambda::Client, name: &str, package: Vec<u8>, layers: &[String]) -> String {
    let result = lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .set_layers((!layers.is_empty()).then(|| layers.to_vec()))
        .code(FunctionCode::builder().zip_file(Blob::new(package)).build())
        .send()
        .await;
    outcome(&result)
}

#[tokio::test]
async fn handler_behind_link_runs() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let package = python_zip(&[("src/app.py", PYTHON_APP, false), ("app.py", "src/app.py", true)]);
    assert_eq!(create(&lambda, "linked", package, &[]).await, "ok", "CreateFunction");

    let invoked = lambda
        .invoke()
        .function_name("linked")
        .payload(Blob::new(br#"{"name": "link"}"#.to_vec()))
        .send()
        .await
        .expect("Invoke");
    let body: serde_json::Value = serde_json::from_slice(invoked.payload().expect("Payload").as_ref()).expect("JSON");
    assert_eq!(invoked.function_error(), None, "{body}");
    assert_eq!(body["greeting"], "hello link", "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn unsafe_links_are_rejected_at_upload() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let below_link = python_zip(&[
        ("app.py", PYTHON_APP, false),
        ("lib", "/tmp", true),
        ("lib/planted.py", "print('planted')", false),
    ]);
    let empty_target = python_zip(&[("app.py", PYTHON_APP, false), ("empty", "", true)]);
    for (label, package) in [("an entry below a link", below_link), ("a link without a target", empty_target)] {
        assert_eq!(create(&lambda, "unsafe-link", package, &[]).await, "InvalidParameterValueException", "{label}");
    }
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");
    server.shutdown().await;
}

#[tokio::test]
async fn unpackable_links_are_rejected_at_upload() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    // symlink(2) fails when the link path is an existing directory or the
    // target is PATH_MAX (4096) bytes or longer, so each package would fail
    // every Invoke.
    let link_and_directory = python_zip(&[("app.py", PYTHON_APP, false), ("lib", "src", true), ("lib/", "", false)]);
    let long_target = "t".repeat(5_000);
    let long_link = python_zip(&[("app.py", PYTHON_APP, false), ("long", long_target.as_str(), true)]);
    for (label, package) in
        [("a link and a directory of one name", link_and_directory), ("a 5000-byte target", long_link)]
    {
        assert_eq!(create(&lambda, "unpackable", package, &[]).await, "InvalidParameterValueException", "{label}");
    }
    let listed = lambda.list_functions().send().await.expect("ListFunctions");
    assert!(listed.functions().is_empty(), "no function was created");
    server.shutdown().await;
}

#[tokio::test]
async fn layer_link_never_redirects_later_layer() {
    if !interpreter_available("python3") {
        return;
    }
    let outside = std::env::temp_dir().join(format!("crosscheck-lambda-link-outside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outside);
    std::fs::create_dir_all(&outside).expect("create the outside directory");
    let outside_text = outside.to_string_lossy().into_owned();

    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let mut layers = Vec::new();
    let contents = [
        python_zip(&[("python", outside_text.as_str(), true)]),
        python_zip(&[("python/planted.txt", "written through a link", false)]),
    ];
    for (index, content) in contents.into_iter().enumerate() {
        let published = lambda
            .publish_layer_version()
            .layer_name(format!("layer-{index}"))
            .content(LayerVersionContentInput::builder().zip_file(Blob::new(content)).build())
            .send()
            .await
            .expect("PublishLayerVersion");
        layers.push(published.layer_version_arn().expect("LayerVersionArn").to_owned());
    }
    let package = python_zip(&[("app.py", PYTHON_APP, false)]);
    assert_eq!(create(&lambda, "two-layers", package, &layers).await, "ok", "CreateFunction");

    let invoked = lambda.invoke().function_name("two-layers").payload(Blob::new(b"{}".to_vec())).send().await;
    let answered_ok = invoked.as_ref().is_ok_and(|output| output.function_error().is_none());
    assert!(!answered_ok, "the function does not start with a layer written through a link: {invoked:?}");
    assert!(!outside.join("planted.txt").exists(), "nothing was written outside the unpacked layers");

    let _ = std::fs::remove_dir_all(&outside);
    server.shutdown().await;
}

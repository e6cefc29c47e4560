//! Paging of the list operations with `Marker` and `MaxItems`, walked with
//! the SDK's paginators, and the errors for a bad page size or marker.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionVersion, LayerVersionContentInput, Runtime};

use crate::common::{OWNER, REGION, client, create_function, error_of, python_zip, start};

async fn publish_versions(lambda: &aws_sdk_lambda::Client, name: &str, count: usize) {
    for index in 0..count {
        lambda
            .update_function_configuration()
            .function_name(name)
            .description(format!("revision {index}"))
            .send()
            .await
            .expect("UpdateFunctionConfiguration");
        lambda.publish_version().function_name(name).send().await.expect("PublishVersion");
    }
}

#[tokio::test]
async fn list_versions_and_aliases_page() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "paged", Runtime::Python312, "app.handler", python_zip()).await;
    publish_versions(&lambda, "paged", 4).await;
    for (alias, version) in [("blue", "1"), ("green", "2"), ("red", "3")] {
        lambda
            .create_alias()
            .function_name("paged")
            .name(alias)
            .function_version(version)
            .send()
            .await
            .expect("CreateAlias");
    }

    let first = lambda.list_versions_by_function().function_name("paged").max_items(2).send().await.expect("page 1");
    let versions: Vec<&str> = first.versions().iter().filter_map(|v| v.version()).collect();
    assert_eq!(versions, ["$LATEST", "1"], "the first page starts with $LATEST");
    assert!(first.next_marker().is_some(), "a partial page has a NextMarker");

    let versions: Vec<String> = lambda
        .list_versions_by_function()
        .function_name("paged")
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate versions")
        .into_iter()
        .filter_map(|v| v.version().map(str::to_owned))
        .collect();
    assert_eq!(versions, ["$LATEST", "1", "2", "3", "4"], "the paginator returns every version once, in order");

    let aliases: Vec<String> = lambda
        .list_aliases()
        .function_name("paged")
        .max_items(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate aliases")
        .into_iter()
        .filter_map(|a| a.name().map(str::to_owned))
        .collect();
    assert_eq!(aliases, ["blue", "green", "red"], "the paginator returns every alias once, in name order");

    let last = lambda.list_aliases().function_name("paged").max_items(3).send().await.expect("one full page");
    assert_eq!(last.aliases().len(), 3);
    assert_eq!(last.next_marker(), None, "a page that holds every alias has no NextMarker");
    server.shutdown().await;
}

#[tokio::test]
async fn list_functions_all_versions_page() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "alpha", Runtime::Python312, "app.handler", python_zip()).await;
    create_function(&lambda, "beta", Runtime::Python312, "app.handler", python_zip()).await;
    publish_versions(&lambda, "alpha", 2).await;

    let listed: Vec<String> = lambda
        .list_functions()
        .function_version(FunctionVersion::All)
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate every version")
        .into_iter()
        .map(|f| format!("{}:{}", f.function_name().unwrap_or_default(), f.version().unwrap_or_default()))
        .collect();
    assert_eq!(listed, ["alpha:$LATEST", "alpha:1", "alpha:2", "beta:$LATEST"]);

    let latest_only = lambda.list_functions().send().await.expect("ListFunctions");
    assert_eq!(latest_only.functions().len(), 2, "without FunctionVersion only $LATEST is listed");
    server.shutdown().await;
}

#[tokio::test]
async fn list_functions_survives_deletion_between_pages() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    for name in ["f1", "f2", "f3", "f4"] {
        create_function(&lambda, name, Runtime::Python312, "app.handler", python_zip()).await;
    }
    let first = lambda.list_functions().max_items(2).send().await.expect("page 1");
    let marker = first.next_marker().expect("NextMarker").to_owned();
    lambda.delete_function().function_name("f2").send().await.expect("delete the page's last function");

    let second = lambda.list_functions().max_items(2).marker(marker).send().await.expect("page 2");
    let names: Vec<&str> = second.functions().iter().filter_map(|f| f.function_name()).collect();
    assert_eq!(names, ["f3", "f4"], "the next page starts after the deleted function");
    assert_eq!(second.next_marker(), None);
    server.shutdown().await;
}

#[tokio::test]
async fn layers_and_layer_versions_page() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let content = || LayerVersionContentInput::builder().zip_file(Blob::new(python_zip())).build();
    for name in ["layer-a", "layer-b", "layer-c"] {
        lambda.publish_layer_version().layer_name(name).content(content()).send().await.expect("PublishLayerVersion");
    }
    for _ in 0..2 {
        lambda.publish_layer_version().layer_name("layer-a").content(content()).send().await.expect("another version");
    }

    let layers: Vec<String> = lambda
        .list_layers()
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate layers")
        .into_iter()
        .filter_map(|l| l.layer_name().map(str::to_owned))
        .collect();
    assert_eq!(layers, ["layer-a", "layer-b", "layer-c"]);

    let versions: Vec<i64> = lambda
        .list_layer_versions()
        .layer_name("layer-a")
        .max_items(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate layer versions")
        .into_iter()
        .map(|v| v.version())
        .collect();
    assert_eq!(versions, [3, 2, 1], "layer versions are listed newest first");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_page_size_and_marker_are_rejected() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "only", Runtime::Python312, "app.handler", python_zip()).await;

    for max_items in [0, -1, 10_001] {
        let error = lambda.list_functions().max_items(max_items).send().await.expect_err("bad MaxItems");
        assert_eq!(error_of(&error), ("InvalidParameterValueException".to_owned(), 400), "MaxItems {max_items}");
        let message = error.as_service_error().and_then(|e| e.meta().message()).unwrap_or_default().to_owned();
        assert!(message.contains(&max_items.to_string()), "the message names MaxItems {max_items}: {message}");
    }
    let error = lambda.list_layers().max_items(0).send().await.expect_err("bad MaxItems on ListLayers");
    assert_eq!(error_of(&error).0, "InvalidParameterValueException");
    let error = lambda.list_aliases().function_name("only").max_items(20_000).send().await.expect_err("bad MaxItems");
    assert_eq!(error_of(&error).0, "InvalidParameterValueException");

    for marker in ["not-a-marker!", "Zm9v"] {
        let error = lambda.list_functions().marker(marker).send().await.expect_err("invalid marker");
        assert_eq!(error_of(&error), ("InvalidParameterValueException".to_owned(), 400), "marker {marker}");
        let message = error.as_service_error().and_then(|e| e.meta().message()).unwrap_or_default().to_owned();
        assert!(message.contains(marker), "the message names marker {marker}: {message}");
    }
    let error =
        lambda.list_versions_by_function().function_name("only").marker("bogus").send().await.expect_err("marker");
    assert_eq!(error_of(&error).0, "InvalidParameterValueException");
    server.shutdown().await;
}

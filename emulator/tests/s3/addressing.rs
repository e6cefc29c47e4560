//! Addressing: virtual-host style through the SDK and through raw Host
//! headers, presigned URLs used by a client without credentials, and
//! requests signed for another region than the bucket's.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::Client;
use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use crosscheck_emulator::server::ServerHandle;

use crate::common::{
    HOME_REGION, OTHER_REGION, OWNER, authorization, client, create_bucket, exchange, get, outcome, put, start,
    start_profile,
};

/// Sends every request to the emulator's socket while keeping the Host
/// header the SDK addressed, so virtual-host names need no DNS.
#[derive(Debug)]
struct ToLoopback {
    address: String,
}

impl Intercept for ToLoopback {
    fn name(&self) -> &'static str {
        "ToLoopback"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), aws_sdk_s3::error::BoxError> {
        let request = context.request_mut();
        let uri: http::Uri = request.uri().parse()?;
        let authority = uri.authority().map(ToString::to_string).unwrap_or_default();
        let path = uri.path_and_query().map_or("/", |path| path.as_str());
        request.set_uri(format!("http://{}{path}", self.address))?;
        request.headers_mut().insert("host", authority);
        Ok(())
    }
}

/// Builds a virtual-host style client whose endpoint is `s3.REGION.localhost.localstack.cloud`.
fn virtual_host_client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let port = server.local_addr().port();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(format!("http://s3.{region}.localhost.localstack.cloud:{port}"))
        .interceptor(ToLoopback { address: server.local_addr().to_string() })
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn virtual_host_and_path_style_agree() {
    let server = start().await;
    let path_style = client(&server, OWNER, HOME_REGION);
    let virtual_host = virtual_host_client(&server, OWNER, HOME_REGION);

    create_bucket(&virtual_host, "vhost-bucket").await;
    put(&virtual_host, "vhost-bucket", "dir/a.txt", b"written in virtual-host style").await;
    put(&path_style, "vhost-bucket", "dir/b.txt", b"written in path style").await;

    for (style, client) in [("path", &path_style), ("virtual-host", &virtual_host)] {
        assert_eq!(get(client, "vhost-bucket", "dir/a.txt").await, b"written in virtual-host style", "{style}: a.txt");
        assert_eq!(get(client, "vhost-bucket", "dir/b.txt").await, b"written in path style", "{style}: b.txt");
        let listed = client.list_objects_v2().bucket("vhost-bucket").prefix("dir/").send().await.expect("list");
        let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
        assert_eq!(keys, ["dir/a.txt", "dir/b.txt"], "{style}: listing");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn raw_virtual_host_names_find_the_bucket() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "host.bucket").await;
    put(&s3, "host.bucket", "k", b"found by host").await;
    let port = server.local_addr().port();

    let hosts = [
        format!("host.bucket.s3.{HOME_REGION}.localhost.localstack.cloud:{port}"),
        format!("host.bucket.localhost.localstack.cloud:{port}"),
        "host.bucket.s3.amazonaws.com".to_owned(),
        format!("host.bucket.s3.{HOME_REGION}.amazonaws.com"),
        format!("host.bucket.s3-{HOME_REGION}.amazonaws.com"),
        // A fully qualified name, as the harness resolver also accepts it.
        format!("host.bucket.s3.localhost.localstack.cloud.:{port}"),
    ];
    for host in hosts {
        let head =
            format!("GET /k HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\n", authorization(OWNER, HOME_REGION));
        let response = exchange(&server, &head, b"").await;
        assert_eq!(response.status, 200, "GetObject through Host {host}: {}", response.text());
        assert_eq!(response.body, b"found by host", "object bytes through Host {host}");
    }

    let head = format!(
        "GET /?list-type=2 HTTP/1.1\r\nHost: host.bucket.s3.amazonaws.com\r\nAuthorization: {}\r\n",
        authorization(OWNER, HOME_REGION)
    );
    let response = exchange(&server, &head, b"").await;
    assert!(response.text().contains("<Key>k</Key>"), "ListObjectsV2 through a virtual host: {}", response.text());
    server.shutdown().await;
}

/// Sends a presigned request over a plain socket, without SDK credentials.
async fn send_presigned(
    server: &ServerHandle,
    presigned: &PresignedRequest,
    body: &[u8],
) -> crate::common::RawResponse {
    let uri: http::Uri = presigned.uri().parse().expect("presigned URI");
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\n",
        presigned.method(),
        uri.path_and_query().map_or("/", |path| path.as_str()),
        uri.authority().map(ToString::to_string).unwrap_or_default()
    );
    for (name, value) in presigned.headers() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    exchange(server, &head, body).await
}

#[tokio::test]
async fn presigned_get_and_put_work_without_credentials() {
    let server = start_profile("aws").await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "presigned").await;
    put(&s3, "presigned", "shared", b"presigned bytes").await;
    let five_minutes = PresigningConfig::expires_in(Duration::from_secs(300)).expect("presigning config");

    let get_request = s3.get_object().bucket("presigned").key("shared").presigned(five_minutes.clone()).await;
    let get_request = get_request.expect("presign GetObject");
    assert!(get_request.uri().contains("X-Amz-Credential="), "the URL carries the credential");
    let response = send_presigned(&server, &get_request, b"").await;
    assert_eq!(response.status, 200, "presigned GET: {}", response.text());
    assert_eq!(response.body, b"presigned bytes", "presigned GET bytes");

    let put_request = s3.put_object().bucket("presigned").key("uploaded").presigned(five_minutes).await;
    let response = send_presigned(&server, &put_request.expect("presign PutObject"), b"via presigned PUT").await;
    assert_eq!(response.status, 200, "presigned PUT: {}", response.text());
    assert_eq!(get(&s3, "presigned", "uploaded").await, b"via presigned PUT", "presigned PUT stored the body");

    // Without the query string's credential the same request is another
    // account's (the default one), which the aws profile denies.
    let head = "GET /presigned/shared HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    let response = exchange(&server, head, b"").await;
    assert_eq!(response.status, 403, "unsigned GET of a private object: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn expired_presigned_url_is_denied() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "expiring").await;
    put(&s3, "expiring", "k", b"x").await;

    let an_hour_ago = SystemTime::now() - Duration::from_secs(3_600);
    let config = PresigningConfig::builder()
        .start_time(an_hour_ago)
        .expires_in(Duration::from_secs(60))
        .build()
        .expect("presigning config");
    let request = s3.get_object().bucket("expiring").key("k").presigned(config).await.expect("presign");
    let response = send_presigned(&server, &request, b"").await;
    assert_eq!(response.status, 403, "expired presigned URL status");
    assert!(response.text().contains("<Code>AccessDenied</Code>"), "expired code: {}", response.text());
    assert!(response.text().contains("Request has expired"), "expired message: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn expired_sigv2_presigned_url_is_denied() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "expiring-v2").await;
    put(&s3, "expiring-v2", "k", b"x").await;
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("clock after 1970").as_secs();

    // boto3 presigns S3 URLs with SigV2 query parameters by default.
    let url = |expires: String| {
        format!(
            "GET /expiring-v2/k?AWSAccessKeyId={OWNER}&Signature=c2lnbmF0dXJl&Expires={expires} HTTP/1.1\r\n\
             Host: 127.0.0.1\r\n"
        )
    };
    let response = exchange(&server, &url((now + 300).to_string()), b"").await;
    assert_eq!(response.status, 200, "unexpired SigV2 URL: {}", response.text());
    assert_eq!(response.body, b"x", "unexpired SigV2 URL bytes");

    let response = exchange(&server, &url((now - 60).to_string()), b"").await;
    assert_eq!(response.status, 403, "expired SigV2 URL status: {}", response.text());
    assert!(response.text().contains("<Code>AccessDenied</Code>"), "expired code: {}", response.text());
    assert!(response.text().contains("Request has expired"), "expired message: {}", response.text());

    let response = exchange(&server, &url("soon".to_owned()), b"").await;
    assert_eq!(response.status, 403, "non-numeric Expires status: {}", response.text());
    assert!(response.text().contains("<Expires>soon</Expires>"), "names the value: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_region_is_rejected_under_aws() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let elsewhere = client(&server, OWNER, OTHER_REGION);
    create_bucket(&owner, "regional").await;
    put(&owner, "regional", "k", b"x").await;

    let read = elsewhere.get_object().bucket("regional").key("k").send().await;
    assert_eq!(outcome(&read), "AuthorizationHeaderMalformed", "GetObject signed for another region");

    let head = format!(
        "GET /regional/k HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n",
        authorization(OWNER, OTHER_REGION)
    );
    let response = exchange(&server, &head, b"").await;
    assert_eq!(response.status, 400, "status for another region");
    assert!(response.text().contains(&format!("expecting '{HOME_REGION}'")), "names the region: {}", response.text());
    assert_eq!(response.header("x-amz-bucket-region").as_deref(), Some(HOME_REGION), "x-amz-bucket-region");

    let head = format!(
        "HEAD /regional HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n",
        authorization(OWNER, OTHER_REGION)
    );
    let response = exchange(&server, &head, b"").await;
    assert_eq!(response.status, 301, "HeadBucket signed for another region");
    assert_eq!(response.header("x-amz-bucket-region").as_deref(), Some(HOME_REGION), "HEAD x-amz-bucket-region");
    assert!(response.body.is_empty(), "HEAD errors have no body");

    let create = elsewhere.create_bucket().bucket("regional-2").send().await;
    assert_eq!(outcome(&create), "IllegalLocationConstraintException", "no constraint sent to another region");
    server.shutdown().await;
}

#[tokio::test]
async fn localstack_serves_every_region() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let elsewhere = client(&server, OWNER, OTHER_REGION);
    create_bucket(&owner, "unified").await;
    put(&elsewhere, "unified", "k", b"from another region").await;
    assert_eq!(get(&owner, "unified", "k").await, b"from another region", "one endpoint serves every region");
    let head = elsewhere.head_bucket().bucket("unified").send().await.expect("HeadBucket from another region");
    assert_eq!(head.bucket_region(), Some(HOME_REGION), "the bucket keeps its region");
    server.shutdown().await;
}

#[tokio::test]
async fn incomplete_presigned_url_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "query-auth").await;
    put(&s3, "query-auth", "k", b"x").await;

    let five_minutes = PresigningConfig::expires_in(Duration::from_secs(300)).expect("presigning config");
    let presigned = s3.get_object().bucket("query-auth").key("k").presigned(five_minutes).await.expect("presign");
    let uri: http::Uri = presigned.uri().parse().expect("presigned URI");
    let query = uri.query().expect("a presigned URL has a query string");
    let request_for = |query: &str| format!("GET /query-auth/k?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n");

    let response = exchange(&server, &request_for(query), b"").await;
    assert_eq!(response.status, 200, "the whole presigned URL: {}", response.text());

    // Dropping a parameter must not make a URL valid for longer, or at all.
    for dropped in ["X-Amz-Expires", "X-Amz-Date", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-SignedHeaders"] {
        let remaining: Vec<&str> = query.split('&').filter(|pair| !pair.starts_with(&format!("{dropped}="))).collect();
        let response = exchange(&server, &request_for(&remaining.join("&")), b"").await;
        let text = response.text();
        assert_eq!(response.status, 400, "presigned URL without {dropped}: {text}");
        assert!(text.contains("<Code>AuthorizationQueryParametersError</Code>"), "code without {dropped}: {text}");
        assert!(text.contains(dropped), "the message names {dropped}: {text}");
    }

    let expires = query.split('&').find(|pair| pair.starts_with("X-Amz-Expires=")).expect("X-Amz-Expires");
    let week_and_a_second = query.replace(expires, "X-Amz-Expires=604801");
    let response = exchange(&server, &request_for(&week_and_a_second), b"").await;
    let text = response.text();
    assert_eq!(response.status, 400, "X-Amz-Expires over a week: {text}");
    assert!(text.contains("<Code>AuthorizationQueryParametersError</Code>"), "code over a week: {text}");
    assert!(text.contains("604800"), "the message names the maximum: {text}");
    server.shutdown().await;
}

#[tokio::test]
async fn presigned_put_without_signed_header_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "signed-headers").await;

    let five_minutes = PresigningConfig::expires_in(Duration::from_secs(300)).expect("presigning config");
    let presigned = s3
        .put_object()
        .bucket("signed-headers")
        .key("typed")
        .content_type("text/plain")
        .presigned(five_minutes)
        .await
        .expect("presign PutObject");
    assert!(presigned.uri().contains("content-type"), "the URL signs Content-Type: {}", presigned.uri());
    let uri: http::Uri = presigned.uri().parse().expect("presigned URI");
    let target = uri.path_and_query().expect("a path").as_str();

    // The URL signs Content-Type, so a request without that header cannot match its signature.
    let head = format!("PUT {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n");
    let response = exchange(&server, &head, b"body").await;
    let text = response.text();
    assert_eq!(response.status, 403, "presigned PUT without Content-Type: {text}");
    assert!(text.contains("<Code>SignatureDoesNotMatch</Code>"), "code without Content-Type: {text}");
    assert!(text.contains("content-type"), "the message names the header: {text}");
    let stored = s3.head_object().bucket("signed-headers").key("typed").send().await;
    assert_eq!(outcome(&stored), "NotFound", "the rejected PUT stored nothing");

    let response = send_presigned(&server, &presigned, b"body").await;
    assert_eq!(response.status, 200, "presigned PUT with its signed headers: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn incomplete_sigv2_presigned_url_is_denied() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "query-auth-v2").await;
    put(&s3, "query-auth-v2", "k", b"x").await;
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("clock after 1970").as_secs();

    let parameters =
        [format!("AWSAccessKeyId={OWNER}"), "Signature=c2lnbmF0dXJl".to_owned(), format!("Expires={}", now + 300)];
    for dropped in ["Signature", "Expires"] {
        let query: Vec<&str> =
            parameters.iter().map(String::as_str).filter(|pair| !pair.starts_with(&format!("{dropped}="))).collect();
        let head = format!("GET /query-auth-v2/k?{} HTTP/1.1\r\nHost: 127.0.0.1\r\n", query.join("&"));
        let response = exchange(&server, &head, b"").await;
        let text = response.text();
        assert_eq!(response.status, 403, "SigV2 URL without {dropped}: {text}");
        assert!(text.contains("<Code>AccessDenied</Code>"), "code without {dropped}: {text}");
        assert!(text.contains("Query-string authentication requires"), "message without {dropped}: {text}");
    }
    server.shutdown().await;
}

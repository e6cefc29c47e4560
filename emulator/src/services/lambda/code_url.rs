//! Download URLs for deployment packages and layer contents.
//!
//! GetFunction returns `Code.Location` and GetLayerVersion returns
//! `Content.Location`: presigned S3 URLs. The older API model states that the
//! function URL "is valid for up to 10 minutes"
//! (<https://www.rubydoc.info/gems/aws-sdk-lambda/1.15.0/Aws/Lambda/Types/FunctionCodeLocation>).
//! NOTE: unverified that a layer's URL has the same lifetime; the emulator gives both 10 minutes.
//! The emulator serves the zip file itself under [`PATH_PREFIX`], on the
//! host the API request named, behind a random token that expires after
//! [`URL_LIFETIME`]. An expired or unknown token gets the 403 `AccessDenied`
//! XML error S3 returns for an expired presigned URL.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};
use http_body_util::Full;

use crate::http::HttpResponse;

/// The path under which the emulator serves code downloads.
pub const PATH_PREFIX: &str = "/_crosscheck/lambda/code/";

/// How long a download URL stays valid, as Lambda documents for `Code.Location`.
pub const URL_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Issued download tokens and the zip files they serve.
pub struct CodeUrls {
    lifetime: Duration,
    by_token: Mutex<HashMap<String, Download>>,
}

struct Download {
    zip: Bytes,
    expires: Instant,
}

impl Default for CodeUrls {
    fn default() -> CodeUrls {
        CodeUrls::with_lifetime(URL_LIFETIME)
    }
}

impl CodeUrls {
    /// Builds a registry whose URLs expire after `lifetime`.
    pub fn with_lifetime(lifetime: Duration) -> CodeUrls {
        CodeUrls { lifetime, by_token: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Download>> {
        self.by_token.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Issues a URL on `host` that serves `zip` until it expires, and drops expired tokens.
    pub fn issue(&self, host: &str, zip: Bytes) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now = Instant::now();
        let mut by_token = self.lock();
        by_token.retain(|_, download| download.expires > now);
        by_token.insert(token.clone(), Download { zip, expires: now + self.lifetime });
        format!("http://{host}{PATH_PREFIX}{token}?X-Amz-Expires={}", self.lifetime.as_secs())
    }

    /// Serves a GET or HEAD of a download path.
    pub fn serve(&self, method: &Method, path: &str) -> HttpResponse {
        if method != Method::GET && method != Method::HEAD {
            return s3_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                &format!("{method} is not allowed on a code download URL; use GET."),
            );
        }
        let token = path.strip_prefix(PATH_PREFIX).unwrap_or_default();
        let zip = {
            let by_token = self.lock();
            match by_token.get(token) {
                Some(download) if download.expires > Instant::now() => Some(download.zip.clone()),
                Some(_) => None,
                None => {
                    tracing::debug!(token, "rejected a code download with an unknown token");
                    return s3_error(
                        StatusCode::FORBIDDEN,
                        "AccessDenied",
                        &format!(
                            "The download token {token} is invalid; call GetFunction or GetLayerVersion for a new URL."
                        ),
                    );
                }
            }
        };
        let Some(zip) = zip else {
            tracing::debug!(token, "rejected an expired code download");
            return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired");
        };

        let length = zip.len();
        let body = if method == Method::HEAD { Bytes::new() } else { zip };
        let mut response = Response::new(Full::new(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        response
    }
}

/// Builds an S3-style XML error, as a presigned S3 URL returns it.
fn s3_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message></Error>",
        escape_xml(message)
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_path(url: &str) -> String {
        let path_start = url.find(PATH_PREFIX).expect("the URL has the download path");
        let path = &url[path_start..];
        path.split('?').next().unwrap_or_default().to_owned()
    }

    #[test]
    fn issued_url_serves_bytes() {
        let urls = CodeUrls::default();
        let url = urls.issue("127.0.0.1:4566", Bytes::from_static(b"zip bytes"));
        assert!(url.starts_with("http://127.0.0.1:4566/_crosscheck/lambda/code/"), "URL on the request's host: {url}");
        let response = urls.serve(&Method::GET, &token_path(&url));
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[test]
    fn expired_url_is_rejected() {
        let urls = CodeUrls::with_lifetime(Duration::from_millis(1));
        let url = urls.issue("localhost", Bytes::from_static(b"zip bytes"));
        std::thread::sleep(Duration::from_millis(5));
        let response = urls.serve(&Method::GET, &token_path(&url));
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "an expired URL is rejected");
    }

    #[test]
    fn expired_tokens_are_dropped_on_issue() {
        let urls = CodeUrls::with_lifetime(Duration::from_millis(1));
        urls.issue("localhost", Bytes::from_static(b"old"));
        std::thread::sleep(Duration::from_millis(5));
        urls.issue("localhost", Bytes::from_static(b"new"));
        assert_eq!(urls.lock().len(), 1, "issuing a URL drops the expired ones");
    }
}

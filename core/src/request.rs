//! One HTTP request to Clerk, ready for any client.

use core::fmt;

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use crate::version::ApiVersion;

/// The `Clerk-API-Version` header.
pub const CLERK_API_VERSION: HeaderName = HeaderName::from_static("clerk-api-version");

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// `application/json`: the Backend API.
    Json,
    /// `application/x-www-form-urlencoded`: the Frontend API.
    Form,
}

impl BodyKind {
    /// The `Content-Type` value.
    pub const fn content_type(self) -> &'static str {
        match self {
            BodyKind::Json => "application/json",
            BodyKind::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// One HTTP request: method, path (`/v1/…`), headers (`Clerk-API-Version` and
/// `Content-Type`) and body.
///
/// Send it with any client, or turn it into an [`http::Request`]. It carries no
/// credentials: add `Authorization` (the secret key, or the session token in the
/// browser) and the host when sending. Its `Debug` shows the body's length, never the
/// body, which may hold a password or private metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiRequest {
    method: Method,
    path: String,
    version: ApiVersion,
    kind: BodyKind,
    body: Vec<u8>,
}

impl ApiRequest {
    pub(crate) fn new(
        method: Method,
        path: String,
        version: ApiVersion,
        kind: BodyKind,
        body: Vec<u8>,
    ) -> Self {
        ApiRequest {
            method,
            path,
            version,
            kind,
            body,
        }
    }

    /// `PATCH` or `PUT`.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, starting `/v1/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The API version the request is written for.
    pub fn api_version(&self) -> ApiVersion {
        self.version
    }

    /// How the body is encoded.
    pub fn body_kind(&self) -> BodyKind {
        self.kind
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The headers: `Clerk-API-Version` and `Content-Type`.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(2);
        headers.insert(
            CLERK_API_VERSION,
            HeaderValue::from_static(self.version.as_str()),
        );
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(self.kind.content_type()),
        );
        headers
    }

    /// The request as the `http` crate's standard type, with a path-only URI.
    pub fn into_http(self) -> http::Request<Vec<u8>> {
        let headers = self.headers();
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        // The path is built from checked IDs and fixed segments only, so it is always a
        // valid URI; the fallback keeps this free of panics all the same.
        *request.uri_mut() = http::Uri::try_from(self.path).unwrap_or_default();
        *request.headers_mut() = headers;
        request
    }
}

impl From<ApiRequest> for http::Request<Vec<u8>> {
    fn from(request: ApiRequest) -> Self {
        request.into_http()
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("api_version", &self.version.as_str())
            .field("content_type", &self.kind.content_type())
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Shows a request as `METHOD path`, without its body.
impl fmt::Display for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

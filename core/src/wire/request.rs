//! One HTTP request to Clerk, ready for any client.

use core::fmt;

use crate::wire::version::ApiVersion;

/// The name of the header that carries the API version, lower case as HTTP/2 sends it.
pub const CLERK_API_VERSION: &str = "clerk-api-version";

/// The HTTP methods of Clerk's user write endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `PATCH`: update fields, or deep-merge metadata.
    Patch,
    /// `PUT`: replace metadata tiers.
    Put,
    /// `POST`: create a user.
    Post,
}

impl Method {
    /// `PATCH` or `PUT`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
/// Send it with any client; with the `http` feature, [`ApiRequest::into_http`] (or
/// `From`) turns it into the `http` crate's `http::Request<Vec<u8>>`. It carries no
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

    /// `PATCH`, `PUT` or `POST`.
    pub fn method(&self) -> Method {
        self.method
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

    /// The body, by value.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The headers, as (lower-case name, value): `clerk-api-version` and
    /// `content-type`.
    pub fn headers(&self) -> [(&'static str, &'static str); 2] {
        [
            (CLERK_API_VERSION, self.version.as_str()),
            ("content-type", self.kind.content_type()),
        ]
    }

    /// The value of header `name` (ASCII case-insensitive), if the request has it.
    pub fn header(&self, name: &str) -> Option<&'static str> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The request as the `http` crate's standard type, with a path-only URI.
    ///
    /// **The `http::Request`'s `Debug` prints its body**, which may hold a password, a
    /// TOTP secret or private metadata: log the [`ApiRequest`] (whose `Debug` shows the
    /// body's length only), never the converted request. A body type that redacts its
    /// `Debug` would cost interop (clients take `Vec<u8>` or their own body types), so
    /// the conversion keeps the standard `Vec<u8>`.
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn into_http(self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(Vec::new());
        *request.method_mut() = match self.method {
            Method::Patch => http::Method::PATCH,
            Method::Put => http::Method::PUT,
            Method::Post => http::Method::POST,
        };
        for (name, value) in self.headers() {
            request
                .headers_mut()
                .insert(name, http::HeaderValue::from_static(value));
        }
        // The path is built from checked IDs and fixed segments only, so it is always a
        // valid URI; the fallback keeps this free of panics all the same.
        *request.uri_mut() = http::Uri::try_from(self.path).unwrap_or_default();
        *request.body_mut() = self.body;
        request
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
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

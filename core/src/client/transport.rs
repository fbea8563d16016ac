//! The HTTP client the crate sends through: hyper's HTTP/1.1 client on tokio, with
//! rustls (or the platform's TLS with the `native-tls` feature).
//!
//! It is made here and nowhere else, so what the crate promises holds whatever the app
//! does: no redirect is followed (hyper's client never follows one: a `3xx` is an
//! answer, and nothing is re-sent anywhere), no proxy is used (none is read from the
//! environment), and `localhost` is 127.0.0.1 whatever name resolution says. The crate
//! depends on no HTTP client of the app's (reqwest) and turns on none of its features.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::rt::TokioExecutor;

use super::error::ConfigError;

/// The connector: TCP through [`Resolver`], then TLS for `https`.
#[cfg(not(feature = "native-tls"))]
type Connector = hyper_rustls::HttpsConnector<HttpConnector<Resolver>>;
/// The connector: TCP through [`Resolver`], then TLS for `https`.
#[cfg(feature = "native-tls")]
type Connector = hyper_tls::HttpsConnector<HttpConnector<Resolver>>;

/// The client every [`Clerk`](super::Clerk) sends through; clones share its pool.
pub(crate) type HttpClient = Client<Connector, Full<Bytes>>;

/// Name resolution by the system's resolver, except `localhost`, which is always
/// 127.0.0.1: a base URL checked to be loopback stays loopback.
#[derive(Clone)]
pub(crate) struct Resolver(GaiResolver);

type Addrs = std::vec::IntoIter<SocketAddr>;

impl tower_service::Service<Name> for Resolver {
    type Response = Addrs;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Addrs, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if name.as_str().eq_ignore_ascii_case("localhost") {
            // The connector puts the URL's port on it.
            let loopback = vec![SocketAddr::from((Ipv4Addr::LOCALHOST, 0))];
            return Box::pin(std::future::ready(Ok(loopback.into_iter())));
        }
        let resolving = self.0.call(name);
        Box::pin(async move { Ok(resolving.await?.collect::<Vec<_>>().into_iter()) })
    }
}

/// The crate's HTTP client: HTTP/1.1, `http` (to loopback, which the base URL checks)
/// or `https`.
pub(crate) fn http_client() -> Result<HttpClient, ConfigError> {
    let mut http = HttpConnector::new_with_resolver(Resolver(GaiResolver::new()));
    // The TLS connector below takes `https`.
    http.enforce_http(false);
    http.set_nodelay(true);
    let connector = tls(http)?;
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// A plain-HTTP client: FakeClerk's webhook deliveries, to loopback endpoints only.
#[cfg(feature = "testing")]
pub(crate) type LoopbackClient = Client<HttpConnector<Resolver>, Full<Bytes>>;

/// The same hyper client and resolver as [`http_client`], without TLS: it refuses
/// `https` URLs, and `localhost` is 127.0.0.1. FakeClerk checks that every webhook
/// endpoint is `http://` to a loopback address before it sends anything there.
#[cfg(feature = "testing")]
pub(crate) fn loopback_http_client() -> LoopbackClient {
    let mut http = HttpConnector::new_with_resolver(Resolver(GaiResolver::new()));
    http.enforce_http(true);
    http.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(http)
}

#[cfg(not(feature = "native-tls"))]
fn tls(http: HttpConnector<Resolver>) -> Result<Connector, ConfigError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let config = rustls::ClientConfig::builder_with_provider(crypto_provider()?)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Http(Box::new(e)))?
        .with_platform_verifier()
        .map_err(|e| ConfigError::Http(Box::new(e)))?
        .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(feature = "native-tls")]
fn tls(http: HttpConnector<Resolver>) -> Result<Connector, ConfigError> {
    let tls = native_tls::TlsConnector::new().map_err(|e| ConfigError::Http(Box::new(e)))?;
    Ok(hyper_tls::HttpsConnector::from((
        http,
        tokio_native_tls::TlsConnector::from(tls),
    )))
}

/// rustls's crypto provider: the process default if the app installed one (its
/// choice: aws-lc-rs, a FIPS build, …), else *ring* (feature `ring`), else aws-lc-rs
/// (feature `aws-lc-rs`). Each is named explicitly, never picked by rustls from its
/// crate features, so the crate works whichever providers the app's other
/// dependencies turn on.
#[cfg(not(feature = "native-tls"))]
fn crypto_provider() -> Result<std::sync::Arc<rustls::crypto::CryptoProvider>, ConfigError> {
    if let Some(provider) = rustls::crypto::CryptoProvider::get_default() {
        return Ok(provider.clone());
    }
    #[cfg(feature = "ring")]
    return Ok(std::sync::Arc::new(rustls::crypto::ring::default_provider()));
    #[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
    return Ok(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ));
    #[allow(unreachable_code)]
    Err(ConfigError::Http(
        "no TLS crypto provider: turn on the `ring` or `aws-lc-rs` feature of clerk-metadata, or install a rustls process default (`CryptoProvider::install_default`) before building the client"
            .into(),
    ))
}

//! TLS for both directions: the server side with optional client
//! certificates, and the client side used to deliver notifications.

use openssl::ssl::{SslAcceptor, SslConnector, SslMethod, SslRef, SslVerifyMode};
use openssl::x509::X509VerifyResult;
use openssl::x509::store::X509StoreBuilder;

use crate::certs::Material;

/// The handshake asks for a client certificate but does not demand one: the
/// endpoints that need it answer `return_code=FAIL` themselves, so that a
/// merchant sees WeChat's kind of error rather than a bare TLS alert.
pub fn acceptor(m: &Material) -> Result<SslAcceptor, String> {
    let ssl = |e: openssl::error::ErrorStack| format!("cannot set up TLS: {e}");
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(ssl)?;
    b.set_private_key(&m.server_key).map_err(ssl)?;
    b.set_certificate(&m.server_cert).map_err(ssl)?;
    b.add_extra_chain_cert(m.ca.clone()).map_err(ssl)?;
    b.check_private_key().map_err(ssl)?;
    let mut store = X509StoreBuilder::new().map_err(ssl)?;
    store.add_cert(m.client_ca.clone()).map_err(ssl)?;
    b.set_verify_cert_store(store.build()).map_err(ssl)?;
    b.add_client_ca(&m.client_ca).map_err(ssl)?;
    // The verdict is kept in the session (see `client_verified`); a failed
    // check must not abort the handshake.
    b.set_verify_callback(SslVerifyMode::PEER, |_, _| true);
    // Without an id context, OpenSSL refuses to resume sessions when peer verification is on.
    b.set_session_id_context(b"wxpay-sim").map_err(ssl)?;
    Ok(b.build())
}

/// Whether the peer presented a certificate that chains to `MmpaymchCA`.
pub fn client_verified(ssl: &SslRef) -> bool {
    ssl.peer_certificate().is_some() && ssl.verify_result() == X509VerifyResult::OK
}

/// Delivers notifications to https `notify_url`s: trusts the system roots and
/// the simulator's own CA, whose server certificate merchants may reuse.
pub fn connector(m: &Material) -> Result<SslConnector, String> {
    let ssl = |e: openssl::error::ErrorStack| format!("cannot set up the notification client: {e}");
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(ssl)?;
    b.cert_store_mut().add_cert(m.ca.clone()).map_err(ssl)?;
    Ok(b.build())
}

//! Everything a request handler can reach, shared by all connections.

use tokio::sync::watch;
use wxpay::ApiKey;

use crate::faults::Faults;
use crate::notify::Notifier;
use crate::store::{Ids, Store};

pub struct App {
    pub mch_id: String,
    pub appid: String,
    pub key: ApiKey,
    /// Signs everything under `xdc/apiv2sandbox/`; handed out by `getsignkey`.
    pub sandbox_key: ApiKey,
    pub micropay_polls: u32,
    /// Decrypts bank payouts; its public half is served by `risk/getpublickey`.
    pub payout_key: crate::payout::PayoutKey,
    pub store: Store,
    pub ids: Ids,
    pub faults: Faults,
    pub notifier: Notifier,
    pub shutdown: watch::Sender<bool>,
}

impl App {
    pub fn key(&self, sandbox: bool) -> &ApiKey {
        if sandbox { &self.sandbox_key } else { &self.key }
    }

    pub fn request_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Forgets orders, refunds, notifications and faults; keys and certificates stay.
    pub fn reset(&self) {
        self.store.clear();
        self.faults.clear();
        self.notifier.clear();
    }
}

//! Where the server may connect. Connector configuration is user input (base URLs, OAuth
//! endpoints), so no outbound request may become a way into the platform's own network
//! (SSRF): loopback, link-local (with the
//! cloud metadata address 169.254.169.254), private, shared, unique-local, multicast and
//! unspecified addresses are refused unless `CONNECTORS_ALLOW_PRIVATE_TARGETS` is set.
//!
//! The check sits in the HTTP client's resolver, so the address checked is the address
//! connected to: a name cannot resolve to a public address for the check and a private
//! one for the connection (DNS rebinding).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether the server may not connect to `ip`.
pub fn is_denied(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_denied(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_denied(v4),
            None => v6_denied(v6),
        },
    }
}

fn v4_denied(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Reserved for future use, 240.0.0.0/4.
        || a >= 240
}

fn v6_denied(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// The client's resolver: the system's lookup, with refused addresses removed. A name
/// that resolves only to refused addresses fails like an unknown name, saying why.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

/// A name whose every address is refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "{name} resolves only to private or reserved addresses, which this server does not connect to"
)]
pub struct OnlyPrivateAddresses {
    pub name: String,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| allow_private || !is_denied(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(OnlyPrivateAddresses { name: host })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(text: &str) -> bool {
        is_denied(text.parse().expect("ip"))
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(denied(ip), "{ip} should be refused");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
        ] {
            assert!(!denied(ip), "{ip} should be allowed");
        }
    }
}

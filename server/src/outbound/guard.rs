//! Where the server may connect. Connector configuration is user input (base URLs, OAuth
//! endpoints), so no outbound request may become a way into the platform's own network
//! (SSRF). Unless `CONNECTORS_ALLOW_PRIVATE_TARGETS` is set, the server connects only to
//! addresses that are reachable on the public internet; the rule is an allow-list, so an
//! address form nobody thought of is refused rather than let through:
//!
//! - **IPv4**: every block of the IANA IPv4 Special-Purpose Address Registry that is not
//!   "globally reachable" is refused — 0/8, 10/8, 100.64/10 (shared, carrier-grade NAT),
//!   127/8, 169.254/16 (link-local, with the cloud metadata address 169.254.169.254),
//!   172.16/12, 192.0.0/24 (IETF assignments, denied whole: its two anycast addresses
//!   are no connector's endpoint), 192.0.2/24, 198.51.100/24, 203.0.113/24
//!   (documentation), 192.88.99/24 (deprecated 6to4 relays), 192.168/16, 198.18/15
//!   (benchmarking) — and so are multicast 224/4, reserved 240/4 and the broadcast
//!   address. The registry's globally reachable entries (AS112, AMT) stay allowed.
//! - **IPv6**: only global unicast 2000::/3 is allowed, less its special-purpose blocks:
//!   2001::/23 (IETF protocol assignments, Teredo 2001::/32 among them; denied whole,
//!   since its few globally reachable entries are infrastructure, not services),
//!   2001:db8::/32 and 3fff::/20 (documentation) and 2002::/16 (6to4, which wraps any
//!   IPv4 address). Everything outside 2000::/3 is refused: unspecified, loopback,
//!   IPv4-compatible ::/96, SIIT ::ffff:0:0/96, local-use NAT64 64:ff9b:1::/48, discard
//!   100::/64, unique-local fc00::/7, site-local fec0::/10, link-local fe80::/10 and
//!   multicast ff00::/8.
//! - **IPv6 that names an IPv4 address by a fixed rule** is judged as that IPv4 address:
//!   IPv4-mapped ::ffff:0:0/96 (how a dual-stack socket writes IPv4) and the NAT64
//!   well-known prefix 64:ff9b::/96 (RFC 6052: the translator connects to exactly the
//!   embedded address, so refusing it whole would cut IPv6-only servers off from IPv4-only
//!   services, and judging it lets no private address through).
//!
//! The check sits in the HTTP client's resolver, so the address checked is the address
//! connected to: a name cannot resolve to a public address for the check and a private
//! one for the connection (DNS rebinding).
//!
//! About 400 lines, over half of them tests.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether the server may not connect to `ip`.
pub fn is_denied(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_denied(v4),
        IpAddr::V6(v6) => match embedded_ipv4(v6) {
            Some(v4) => v4_denied(v4),
            None => v6_denied(v6),
        },
    }
}

/// IPv4 blocks refused (address, prefix length): the registry's blocks that are not
/// globally reachable, multicast, and everything from 240.0.0.0 up (reserved, broadcast).
const V4_DENIED: [(Ipv4Addr, u32); 16] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 0, 2, 0), 24),
    (Ipv4Addr::new(192, 88, 99, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
    (Ipv4Addr::new(255, 255, 255, 255), 32),
];

/// IPv6 blocks refused inside global unicast 2000::/3 (address, prefix length).
const V6_DENIED_IN_GLOBAL: [(Ipv6Addr, u32); 4] = [
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
];

/// Global unicast, 2000::/3: the only IPv6 space that may be allowed.
const V6_GLOBAL: (Ipv6Addr, u32) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// The NAT64 well-known prefix, 64:ff9b::/96.
const NAT64_WELL_KNOWN: (Ipv6Addr, u32) = (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

fn v4_in((network, prefix): (Ipv4Addr, u32), ip: Ipv4Addr) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(network) & mask
}

fn v6_in((network, prefix): (Ipv6Addr, u32), ip: Ipv6Addr) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(network) & mask
}

/// The IPv4 address an IPv6 address stands for, when it stands for one by a fixed rule:
/// IPv4-mapped, or the NAT64 well-known prefix (the last 32 bits, RFC 6052 for /96).
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    v6_in(NAT64_WELL_KNOWN, ip).then(|| Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32))
}

fn v4_denied(ip: Ipv4Addr) -> bool {
    V4_DENIED.iter().any(|&block| v4_in(block, ip))
}

fn v6_denied(ip: Ipv6Addr) -> bool {
    !v6_in(V6_GLOBAL, ip) || V6_DENIED_IN_GLOBAL.iter().any(|&block| v6_in(block, ip))
}

/// The client's resolver: the system's lookup, with refused addresses removed. With the
/// guard on, a name that resolves only to refused addresses and a name that does not
/// resolve fail alike, with [`NoPublicAddress`]: a different error would tell which
/// internal names exist.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

/// A name with no address the guard allows (unknown, or only refused addresses).
#[derive(Debug, thiserror::Error)]
#[error("{name} does not resolve to a public address this server may reach")]
pub struct NoPublicAddress {
    pub name: String,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let no_public = |name: String| {
                Box::new(NoPublicAddress { name }) as Box<dyn std::error::Error + Send + Sync>
            };
            let looked_up = tokio::net::lookup_host((host.clone(), 0)).await;
            let found: Vec<SocketAddr> = match looked_up {
                Ok(found) => found.collect(),
                Err(error) if allow_private => return Err(error.into()),
                Err(_) => return Err(no_public(host)),
            };
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| allow_private || !is_denied(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(no_public(host));
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

    /// One special-purpose block: its first and last address (both refused) and the
    /// addresses just outside it that are public (both allowed), so that a block drawn
    /// one bit too wide or too narrow fails here.
    struct Block {
        name: &'static str,
        first: &'static str,
        last: &'static str,
        outside: &'static [&'static str],
    }

    const V4_BLOCKS: &[Block] = &[
        Block {
            name: "this network 0/8",
            first: "0.0.0.0",
            last: "0.255.255.255",
            outside: &["1.0.0.0"],
        },
        Block {
            name: "private 10/8",
            first: "10.0.0.0",
            last: "10.255.255.255",
            outside: &["9.255.255.255", "11.0.0.0"],
        },
        Block {
            name: "shared 100.64/10",
            first: "100.64.0.0",
            last: "100.127.255.255",
            outside: &["100.63.255.255", "100.128.0.0"],
        },
        Block {
            name: "loopback 127/8",
            first: "127.0.0.0",
            last: "127.255.255.255",
            outside: &["126.255.255.255", "128.0.0.0"],
        },
        Block {
            name: "link-local 169.254/16",
            first: "169.254.0.0",
            last: "169.254.255.255",
            outside: &["169.253.255.255", "169.255.0.0"],
        },
        Block {
            name: "private 172.16/12",
            first: "172.16.0.0",
            last: "172.31.255.255",
            outside: &["172.15.255.255", "172.32.0.0"],
        },
        Block {
            name: "IETF protocol assignments 192.0.0/24",
            first: "192.0.0.0",
            last: "192.0.0.255",
            outside: &["191.255.255.255", "192.0.1.0"],
        },
        Block {
            name: "documentation 192.0.2/24",
            first: "192.0.2.0",
            last: "192.0.2.255",
            outside: &["192.0.1.255", "192.0.3.0"],
        },
        Block {
            name: "6to4 relay anycast 192.88.99/24",
            first: "192.88.99.0",
            last: "192.88.99.255",
            outside: &["192.88.98.255", "192.88.100.0"],
        },
        Block {
            name: "private 192.168/16",
            first: "192.168.0.0",
            last: "192.168.255.255",
            outside: &["192.167.255.255", "192.169.0.0"],
        },
        Block {
            name: "benchmarking 198.18/15",
            first: "198.18.0.0",
            last: "198.19.255.255",
            outside: &["198.17.255.255", "198.20.0.0"],
        },
        Block {
            name: "documentation 198.51.100/24",
            first: "198.51.100.0",
            last: "198.51.100.255",
            outside: &["198.51.99.255", "198.51.101.0"],
        },
        Block {
            name: "documentation 203.0.113/24",
            first: "203.0.113.0",
            last: "203.0.113.255",
            outside: &["203.0.112.255", "203.0.114.0"],
        },
        Block {
            name: "multicast, reserved and broadcast 224/3",
            first: "224.0.0.0",
            last: "255.255.255.255",
            outside: &["223.255.255.255"],
        },
    ];

    const V6_BLOCKS: &[Block] = &[
        Block {
            name: "below global unicast (::, ::1, IPv4-compatible ::/96, SIIT, NAT64, discard)",
            first: "::",
            last: "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["2000::1"],
        },
        Block {
            name: "IETF protocol assignments 2001::/23 (Teredo 2001::/32 among them)",
            first: "2001::",
            last: "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"],
        },
        Block {
            name: "documentation 2001:db8::/32",
            first: "2001:db8::",
            last: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"],
        },
        Block {
            name: "6to4 2002::/16",
            first: "2002::",
            last: "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2003::"],
        },
        Block {
            name: "documentation 3fff::/20",
            first: "3fff::",
            last: "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"],
        },
        Block {
            name: "above global unicast (ULA, site-local, link-local, multicast)",
            first: "4000::",
            last: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            outside: &["3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
        },
    ];

    #[test]
    fn every_special_purpose_block_is_refused_from_first_to_last_address() {
        for block in V4_BLOCKS.iter().chain(V6_BLOCKS) {
            for ip in [block.first, block.last] {
                assert!(denied(ip), "{ip} ({}) should be refused", block.name);
            }
            for ip in block.outside {
                assert!(
                    !denied(ip),
                    "{ip} (just outside {}) should be allowed",
                    block.name
                );
            }
        }
    }

    #[test]
    fn ipv6_forms_of_refused_addresses_are_refused() {
        for ip in [
            // IPv4-compatible (deprecated), judged as nothing: never allowed.
            "::7f00:1",
            "::808:808",
            // IPv4-mapped: judged as the IPv4 address.
            "::ffff:0.0.0.0",
            "::ffff:127.0.0.1",
            "::ffff:192.0.2.1",
            "::ffff:198.18.0.1",
            "::ffff:255.255.255.255",
            // SIIT ::ffff:0:0/96, whatever it embeds.
            "::ffff:0:a00:1",
            "::ffff:0:808:808",
            // NAT64 well-known prefix with a refused IPv4 address, and local-use NAT64.
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::c000:201",
            "64:ff9b:1::808:808",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            // Discard-only 100::/64.
            "100::1",
            // Teredo, 6to4 wrapping a private address.
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2002:c0a8:101::1",
            "2002:7f00:1::1",
            // Unique local, site-local (deprecated, still routed inside some sites),
            // link-local, multicast.
            "fc00::1",
            "fd12::1",
            "fec0::1",
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(denied(ip), "{ip} should be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "192.31.196.1",
            "2606:4700::1111",
            "2a00:1450::1",
            "2001:4860:4860::8888",
            "2620:fe::fe",
            "::ffff:8.8.8.8",
            // NAT64 well-known prefix: the translator reaches exactly the IPv4 address it
            // embeds, which is public here.
            "64:ff9b::808:808",
            "64:ff9b::101:101",
        ] {
            assert!(!denied(ip), "{ip} should be allowed");
        }
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

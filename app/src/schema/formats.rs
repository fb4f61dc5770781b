//! The `format` values the form understands. A check here may only refuse what the server's
//! `jsonschema` refuses too, so it follows the RFCs where they allow more than the common
//! shapes (IP-literal hosts, quoted local parts) and is lenient where unsure: `Some(true)`
//! means "not refused here", not proof. Unknown formats are not checked (`None`).

/// `Some(false)` for text the server refuses too, `Some(true)` for text not refused here,
/// `None` for a format this module does not know.
pub fn check(format: &str, text: &str) -> Option<bool> {
    Some(match format {
        "uri" => uri(text),
        "email" => email(text),
        "hostname" => hostname(text),
        "date" => date(text),
        "date-time" => date_time(text),
        _ => return None,
    })
}

/// An absolute URI (RFC 3986): a scheme, `:`, no characters a URI cannot hold, and an
/// authority whose host is a name or an IP literal in brackets (`[2001:db8::7]`,
/// `[v1.fe80::a]`) with an optional numeric port.
fn uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c));
    // Brackets belong to an IP-literal host only, never to a path, query or fragment.
    let (authority_ok, after_authority) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            (authority(&after[..end]), &after[end..])
        }
        None => (true, rest),
    };
    scheme_ok
        && rest_ok
        && authority_ok
        && !after_authority.contains(['[', ']'])
        && percent_escapes_ok(rest)
}

/// `[ userinfo "@" ] host [ ":" port ]`.
fn authority(authority: &str) -> bool {
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host_port)| host_port);
    let port_ok = |port: &str| port.chars().all(|c| c.is_ascii_digit());
    if let Some(literal) = host_port.strip_prefix('[') {
        let Some((address, after)) = literal.split_once(']') else {
            return false;
        };
        let userinfo = &authority[..authority.len() - host_port.len()];
        let port_follows = after.is_empty() || after.strip_prefix(':').is_some_and(port_ok);
        return port_follows && ip_literal(address) && !userinfo.contains(['[', ']']);
    }
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, ""));
    port_ok(port) && !authority.contains(['[', ']']) && hostname_chars(host)
}

/// RFC 3986 `IP-literal` without its brackets: an IPv6 address or `v<hex>.<chars>`.
fn ip_literal(address: &str) -> bool {
    if address.parse::<std::net::Ipv6Addr>().is_ok() {
        return true;
    }
    let Some((version, detail)) = address
        .strip_prefix(['v', 'V'])
        .and_then(|future| future.split_once('.'))
    else {
        return false;
    };
    !version.is_empty()
        && version.chars().all(|c| c.is_ascii_hexdigit())
        && !detail.is_empty()
        && detail
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:".contains(c))
}

fn percent_escapes_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn hostname_chars(host: &str) -> bool {
    host.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=%".contains(c))
}

/// `local@domain` (RFC 5321): the local part a dot-atom or a quoted string
/// (`"john doe"@example.com`), the domain a hostname or an address literal in brackets
/// (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
fn email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = if local.starts_with('"') {
        quoted_string(local)
    } else {
        !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => address_literal(literal),
        None => hostname(domain),
    };
    local_ok && domain_ok
}

/// RFC 5321 address literal: `IPv6:` (any case) and an IPv6 address, or an IPv4 address.
fn address_literal(literal: &str) -> bool {
    match literal.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
            literal[5..].parse::<std::net::Ipv6Addr>().is_ok()
        }
        _ => literal.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// `"…"` with `\`-escapes, closed by its last character and by no earlier quote.
fn quoted_string(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return false;
    };
    let mut escaped = false;
    for c in inner.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return false,
            _ => {}
        }
    }
    !escaped
}

/// RFC 1123: dot-separated labels of letters, digits and inner hyphens, each at most 63
/// characters, at most 253 in all, no trailing dot; `--` in the 3rd and 4th places only in
/// an A-label (`xn--`), whose Punycode the server decodes and checks (not done here).
fn hostname(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && (label.get(2..4) != Some("--")
                    || label.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("xn")))
        })
}

/// `YYYY-MM-DD`, a real day of the Gregorian calendar.
fn date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&text[0..4]),
        digits(&text[5..7]),
        digits(&text[8..10]),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339: a date, `T`, `hh:mm:ss` with optional fraction, and `Z` or `±hh:mm`.
fn date_time(text: &str) -> bool {
    let Some((day, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    if !date(day) {
        return false;
    }
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, None)
    } else if let Some(at) = time.rfind(['+', '-']) {
        (&time[..at], Some(&time[at + 1..]))
    } else {
        return false;
    };
    let (whole, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let clock_ok = whole.len() == 8
        && whole.as_bytes()[2] == b':'
        && whole.as_bytes()[5] == b':'
        && digits(&whole[0..2]).is_some_and(|h| h < 24)
        && digits(&whole[3..5]).is_some_and(|m| m < 60)
        && digits(&whole[6..8]).is_some_and(|s| s <= 60)
        && !fraction.is_empty()
        && digits(fraction).is_some();
    let offset_ok = offset.is_none_or(|offset| {
        offset.len() == 5
            && offset.as_bytes()[2] == b':'
            && digits(&offset[0..2]).is_some_and(|h| h < 24)
            && digits(&offset[3..5]).is_some_and(|m| m < 60)
    });
    clock_ok && offset_ok && leap_second_ok(whole, offset, time)
}

/// A leap second (`:60`) only ends the last minute of a UTC day.
fn leap_second_ok(clock: &str, offset: Option<&str>, time: &str) -> bool {
    if clock.get(6..8) != Some("60") {
        return true;
    }
    let minutes = |hh: &str, mm: &str| Some(digits(hh)? as i32 * 60 + digits(mm)? as i32);
    let (Some(local), Some(shift)) = (
        minutes(&clock[0..2], &clock[3..5]),
        offset.map_or(Some(0), |offset| minutes(&offset[0..2], &offset[3..5])),
    ) else {
        return false;
    };
    let east = offset.is_some() && time.as_bytes()[time.len() - 6] == b'+';
    let utc = if east { local - shift } else { local + shift };
    utc.rem_euclid(24 * 60) == 23 * 60 + 59
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.get(..text.len().min(9))?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn uris() {
        for good in [
            "https://example.com",
            "http://127.0.0.1:8080/a?b=c#d",
            "urn:isbn:123",
            "https://user@host.example/p%20q",
        ] {
            assert_eq!(check("uri", good), Some(true), "{good}");
        }
        for bad in [
            "example.com",
            "/relative",
            "https://exa mple.com",
            "1http://x",
            "https://x/%zz",
            "",
        ] {
            assert_eq!(check("uri", bad), Some(false), "{bad}");
        }
    }

    #[test]
    fn emails_and_hostnames() {
        assert_eq!(check("email", "ops+alerts@example.com"), Some(true));
        for bad in [
            "no-at",
            "@example.com",
            "a@",
            "a..b@example.com",
            "a@-bad.com",
        ] {
            assert_eq!(check("email", bad), Some(false), "{bad}");
        }
        assert_eq!(check("hostname", "api.example.com"), Some(true));
        for bad in [
            "-x.com",
            "a..b",
            "under_score.com",
            &"a".repeat(64),
            "example.",
            "ab--cd.com",
        ] {
            assert_eq!(check("hostname", bad), Some(false), "{bad}");
        }
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(check("date", "2024-02-29"), Some(true));
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20260101"] {
            assert_eq!(check("date", bad), Some(false), "{bad}");
        }
        for good in [
            "2026-11-22T10:00:00Z",
            "2026-11-22T10:00:00.123+01:00",
            "1998-12-31T15:59:60.123-08:00",
        ] {
            assert_eq!(check("date-time", good), Some(true), "{good}");
        }
        for bad in [
            "2026-11-22 10:00:00Z",
            "2026-11-22T10:00Z",
            "2026-11-22T25:00:00Z",
            "2026-11-22T10:00:00",
            "1998-12-31T23:58:60Z",
            "2026-11-22T23:59:60-05:30",
        ] {
            assert_eq!(check("date-time", bad), Some(false), "{bad}");
        }
        assert_eq!(check("color", "red"), None);
    }

    // Finding 7 of "Correct against real software": false rejects of the server's formats.

    #[test]
    fn uris_with_ip_literal_hosts() {
        for good in [
            "https://[2001:db8::7]",
            "http://[::1]/",
            "http://[::1]:8080/health?x=1",
            "https://user@[2001:db8::7]:443/p",
            "http://[v1.fe80::a+en1]/",
            "http://[::ffff:192.0.2.1]/",
        ] {
            assert_eq!(check("uri", good), Some(true), "{good}");
        }
        for bad in [
            "http://[::1/",
            "http://[::1]x/",
            "http://[::1]:80a/",
            "https://[@example.org/",
            "http:/[::1]",
            "http://x/[a]",
        ] {
            assert_eq!(check("uri", bad), Some(false), "{bad}");
        }
    }

    #[test]
    fn emails_with_quoted_local_parts_and_address_literals() {
        for good in [
            "\"john doe\"@example.com",
            "\"a@b\"@example.com",
            "\"quote\\\"inside\"@example.com",
            "\"\"@example.com",
            "ops@[127.0.0.1]",
            "ops@[IPv6:2001:db8::1]",
        ] {
            assert_eq!(check("email", good), Some(true), "{good}");
        }
        for bad in [
            "\"unclosed@example.com",
            "\"a\"b@example.com",
            "ops@[127.0.0.300]",
            "ops@[IPv6:::12345]",
        ] {
            assert_eq!(check("email", bad), Some(false), "{bad}");
        }
    }
}

//! The one way the product shows a time: `2026-11-22 14:03:07 UTC`, to the second, in the
//! zone it was recorded in. The server stores RFC 3339 (or Unix seconds for API tokens).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// An RFC 3339 time as people read it; text that is not one is shown as it is.
pub fn shown_time(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &Rfc3339).map_or_else(|_| rfc3339.to_owned(), shown)
}

/// Unix seconds as people read them (in UTC).
pub fn unix_time(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds).map_or_else(|_| seconds.to_string(), shown)
}

fn shown(at: OffsetDateTime) -> String {
    let clock = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let zone = if at.offset() == UtcOffset::UTC {
        "UTC".to_owned()
    } else {
        at.offset()
            .format(format_description!(
                "[offset_hour sign:mandatory]:[offset_minute]"
            ))
            .unwrap_or_default()
    };
    format!("{} {zone}", at.format(clock).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_second() {
        assert_eq!(
            shown_time("2026-11-22T14:03:07.123456Z"),
            "2026-11-22 14:03:07 UTC"
        );
        assert_eq!(
            shown_time("2026-11-22T14:03:07Z"),
            "2026-11-22 14:03:07 UTC"
        );
        assert_eq!(
            shown_time("2026-11-22T14:03:07.5+01:00"),
            "2026-11-22 14:03:07 +01:00"
        );
        assert_eq!(shown_time("yesterday"), "yesterday");
        assert_eq!(unix_time(1_795_000_000), "2026-11-18 11:06:40 UTC");
    }
}

//! Dates for people, from unix seconds, in UTC, with no date library:
//! the lists and attribution lines need only the civil calendar.

/// (year, month 1-12, day 1-31, weekday 0 = Monday) of a unix time.
fn civil(unix: i64) -> (i64, i64, i64, usize) {
    let days = unix.div_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    let weekday = (days + 3).rem_euclid(7) as usize;
    (y, m, d, weekday)
}

fn hm(unix: i64) -> (i64, i64) {
    let secs = unix.rem_euclid(86_400);
    (secs / 3600, secs % 3600 / 60)
}

/// "2026-03-03 09:00"
pub fn short(unix: i64) -> String {
    let (y, m, d, _) = civil(unix);
    let (h, min) = hm(unix);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}")
}

/// "Tue, 3 Mar 2026 09:00 UTC"
pub fn long(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d, wd) = civil(unix);
    let (h, min) = hm(unix);
    format!(
        "{}, {d} {} {y} {h:02}:{min:02} UTC",
        DAYS[wd],
        MONTHS[(m - 1) as usize]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(short(0), "1970-01-01 00:00");
        assert_eq!(short(951_782_400), "2000-02-29 00:00");
        assert_eq!(long(1_772_528_400), "Tue, 3 Mar 2026 09:00 UTC");
        assert_eq!(long(0), "Thu, 1 Jan 1970 00:00 UTC");
        assert_eq!(short(-1), "1969-12-31 23:59");
    }
}

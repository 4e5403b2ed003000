//! When a message is to go out ("send later"), in the user's own time
//! zone: the composer's ready-made choices, and a time the user typed.
//! A typed time is user input like any other: read strictly, and refused
//! with a sentence when it is in the past or absurdly far ahead.

use jiff::civil::{Date, Time, Weekday};
use jiff::{Timestamp, Zoned};

/// The furthest ahead a message may be scheduled: a year (further is a
/// typo in the year, and a message that old is no longer what was meant).
pub const MAX_AHEAD_DAYS: i64 = 366;
/// A time this little in the past is "now" (the user took a moment to
/// press Send after typing it).
pub const GRACE_SECONDS: i64 = 120;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(
        "\"{0}\" is not a time Postel can read; write it like 2026-12-24 08:00, or 08:00 for the next time the clock shows it."
    )]
    Unreadable(String),
    #[error("{0} has already passed; choose a later time.")]
    Past(String),
    #[error("{0} is more than a year ahead; choose an earlier time.")]
    TooFar(String),
}

impl crate::explain::Explain for Error {
    fn sentence(&self) -> crate::explain::Sentence {
        use crate::explain::Sentence;
        match self {
            Error::Unreadable(text) => Sentence::new("error-schedule-unreadable").arg("text", text),
            Error::Past(when) => Sentence::new("error-schedule-past").arg("when", when),
            Error::TooFar(when) => Sentence::new("error-schedule-too-far").arg("when", when),
        }
    }
}

/// The current time in the system's time zone.
pub fn now() -> Zoned {
    Zoned::now()
}

/// Tomorrow at 08:00.
pub fn tomorrow_morning(now: &Zoned) -> Timestamp {
    at(now, now.date().tomorrow().unwrap_or(now.date()), 8)
}

/// The coming Monday at 09:00 (a week ahead when it is Monday already).
pub fn monday_morning(now: &Zoned) -> Timestamp {
    let date = now
        .date()
        .nth_weekday(1, Weekday::Monday)
        .unwrap_or(now.date());
    at(now, date, 9)
}

fn at(now: &Zoned, date: Date, hour: i8) -> Timestamp {
    date.at(hour, 0, 0, 0)
        .to_zoned(now.time_zone().clone())
        .map(|z| z.timestamp())
        .unwrap_or(now.timestamp())
}

/// Reads a time the user typed: `2026-12-24 08:00` (seconds allowed, a
/// `T` too), or `08:00` for the next time the clock shows it. Local time.
pub fn parse(text: &str, now: &Zoned) -> Result<Timestamp, Error> {
    let typed = text.trim();
    let unreadable =
        || Error::Unreadable(crate::mailto::one_line(typed).chars().take(60).collect());
    let zone = now.time_zone().clone();
    // A date and a time first: jiff reads a bare time out of those too.
    let civil = typed
        .replacen(' ', "T", 1)
        .parse::<jiff::civil::DateTime>()
        .ok()
        .filter(|_| typed.contains('-'));
    let when = if let Some(civil) = civil {
        civil.to_zoned(zone).map_err(|_| unreadable())?.timestamp()
    } else {
        let time: Time = typed.parse().map_err(|_| unreadable())?;
        let today = now.date().to_datetime(time);
        let mut zoned = today.to_zoned(zone.clone()).map_err(|_| unreadable())?;
        if zoned.timestamp() <= now.timestamp() {
            let tomorrow = now.date().tomorrow().map_err(|_| unreadable())?;
            zoned = tomorrow
                .to_datetime(time)
                .to_zoned(zone)
                .map_err(|_| unreadable())?;
        }
        zoned.timestamp()
    };
    check(when, now)
}

/// Refuses a time in the past (beyond [`GRACE_SECONDS`]) or more than
/// [`MAX_AHEAD_DAYS`] ahead.
pub fn check(when: Timestamp, now: &Zoned) -> Result<Timestamp, Error> {
    let shown = || crate::date::long(when.as_second());
    let ahead = when.as_second() - now.timestamp().as_second();
    if ahead < -GRACE_SECONDS {
        return Err(Error::Past(shown()));
    }
    if ahead > MAX_AHEAD_DAYS * 86_400 {
        return Err(Error::TooFar(shown()));
    }
    Ok(when)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thursday 2026-12-03, 14:30 in Berlin.
    fn thursday() -> Zoned {
        "2026-12-03T14:30:00[Europe/Berlin]"
            .parse()
            .expect("a time")
    }

    fn local(ts: Timestamp) -> String {
        ts.to_zoned(thursday().time_zone().clone())
            .strftime("%a %Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn the_ready_made_choices_are_tomorrow_and_monday_mornings() {
        let now = thursday();
        assert_eq!(local(tomorrow_morning(&now)), "Fri 2026-12-04 08:00");
        assert_eq!(local(monday_morning(&now)), "Mon 2026-12-07 09:00");
        let monday: Zoned = "2026-12-07T07:00:00[Europe/Berlin]"
            .parse()
            .expect("a time");
        assert_eq!(local(monday_morning(&monday)), "Mon 2026-12-14 09:00");
    }

    #[test]
    fn typed_times_are_local_and_a_bare_time_is_the_next_one() {
        let now = thursday();
        assert_eq!(
            local(parse("2026-12-24 08:00", &now).expect("read")),
            "Thu 2026-12-24 08:00"
        );
        assert_eq!(
            local(parse(" 2026-12-24T08:00:30 ", &now).expect("read")),
            "Thu 2026-12-24 08:00"
        );
        assert_eq!(
            local(parse("16:00", &now).expect("read")),
            "Thu 2026-12-03 16:00"
        );
        assert_eq!(
            local(parse("09:15", &now).expect("read")),
            "Fri 2026-12-04 09:15"
        );
    }

    #[test]
    fn past_far_and_unreadable_times_are_refused() {
        let now = thursday();
        assert!(matches!(
            parse("2026-12-01 08:00", &now),
            Err(Error::Past(_))
        ));
        assert!(matches!(
            parse("2036-12-01 08:00", &now),
            Err(Error::TooFar(_))
        ));
        assert!(matches!(
            parse("next week", &now),
            Err(Error::Unreadable(_))
        ));
        assert!(matches!(parse("25:00", &now), Err(Error::Unreadable(_))));
        let long = "9".repeat(10_000);
        match parse(&long, &now) {
            Err(Error::Unreadable(shown)) => assert!(shown.len() <= 60),
            other => panic!("{other:?}"),
        }
        // A minute ago still counts as now.
        let just = now.timestamp() - jiff::SignedDuration::from_secs(60);
        assert!(check(just, &now).is_ok());
    }
}

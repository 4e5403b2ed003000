//! Dates as the window shows them: in the system's time zone, in the
//! language's own order and names (Fluent), and in the list only as much as
//! is needed (the time today, day and month this year), as Thunderbird does.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::fl;

fn local(unix: i64) -> Option<jiff::Zoned> {
    Some(
        Timestamp::from_second(unix)
            .ok()?
            .to_zoned(TimeZone::system()),
    )
}

fn month_name(month: i8) -> String {
    match month {
        1 => fl!("month-1"),
        2 => fl!("month-2"),
        3 => fl!("month-3"),
        4 => fl!("month-4"),
        5 => fl!("month-5"),
        6 => fl!("month-6"),
        7 => fl!("month-7"),
        8 => fl!("month-8"),
        9 => fl!("month-9"),
        10 => fl!("month-10"),
        11 => fl!("month-11"),
        _ => fl!("month-12"),
    }
}

fn weekday_name(weekday: jiff::civil::Weekday) -> String {
    use jiff::civil::Weekday::*;
    match weekday {
        Monday => fl!("weekday-1"),
        Tuesday => fl!("weekday-2"),
        Wednesday => fl!("weekday-3"),
        Thursday => fl!("weekday-4"),
        Friday => fl!("weekday-5"),
        Saturday => fl!("weekday-6"),
        Sunday => fl!("weekday-7"),
    }
}

/// For the message list, relative to `today` (the local date now).
pub fn list(unix: i64, today: Date) -> String {
    let Some(t) = local(unix) else {
        return String::new();
    };
    let time = format!("{:02}:{:02}", t.hour(), t.minute());
    let date = t.date();
    let days_ago = (today - date).get_days();
    if date == today {
        time
    } else if days_ago == 1 {
        fl!("date-yesterday")
    } else if (2..7).contains(&days_ago) {
        // Within the last week the weekday says it ("Tuesday").
        weekday_name(t.weekday())
    } else if date.year() == today.year() {
        fl!(
            "date-this-year",
            day = t.day().to_string(),
            monthname = month_name(t.month())
        )
    } else {
        fl!(
            "date-other-year",
            day = t.day().to_string(),
            monthname = month_name(t.month()),
            year = t.year().to_string()
        )
    }
}

/// The local date now, for [`list`].
pub fn today() -> Date {
    Timestamp::now().to_zoned(TimeZone::system()).date()
}

/// For the reader's header: the whole date and time, with the zone.
pub fn long(unix: i64) -> String {
    let Some(t) = local(unix) else {
        return String::new();
    };
    let zone = t
        .time_zone()
        .to_offset_info(t.timestamp())
        .abbreviation()
        .to_string();
    fl!(
        "date-long",
        weekday = weekday_name(t.weekday()),
        day = t.day().to_string(),
        monthname = month_name(t.month()),
        year = t.year().to_string(),
        time = format!("{:02}:{:02}", t.hour(), t.minute()),
        zone = zone
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_shows_only_as_much_of_a_date_as_is_needed() {
        let now = Timestamp::now().as_second();
        let today = today();
        let shown = list(now, today);
        assert!(shown.len() == 5 && shown.contains(':'), "{shown}");
        // 2001-09-09 01:46:40 UTC: another year, whatever the zone.
        let old = list(1_000_000_000, today);
        assert!(
            old.contains("2001") && old.contains(&month_name(9)),
            "{old}"
        );
        // Yesterday by name, and a day four days ago by its weekday.
        let noon = |date: Date| {
            date.to_zoned(TimeZone::system())
                .expect("midnight exists")
                .timestamp()
                .as_second()
                + 12 * 3600
        };
        let yesterday = today.yesterday().expect("a day before");
        assert_eq!(list(noon(yesterday), today), fl!("date-yesterday"));
        let four_ago = today
            .checked_sub(jiff::Span::new().days(4))
            .expect("a date");
        assert_eq!(
            list(noon(four_ago), today),
            weekday_name(four_ago.weekday())
        );
        // A day of this year more than a week ago: day and month, no year.
        let other_day = if today.day() > 15 { 1 } else { 28 };
        let mut date = today.with().day(other_day).build().expect("a date");
        if (today - date).get_days().abs() < 7 || date > today {
            // Early in January: the day is this year, but in the future or
            // within the week; a day in the coming months is shown the
            // same way.
            date = today
                .with()
                .day(28)
                .month(if today.month() < 12 { 12 } else { 11 })
                .build()
                .expect("a date");
        }
        let unix = date
            .to_zoned(TimeZone::system())
            .expect("midday exists")
            .timestamp()
            .as_second()
            + 12 * 3600;
        let this_year = list(unix, today);
        assert!(
            !this_year.contains(&today.year().to_string()) && !this_year.contains(':'),
            "{this_year}"
        );
        let long = long(1_000_000_000);
        assert!(long.contains("2001") && long.contains(':'), "{long}");
    }
}

//! The farm calendar and the send-window gate, as a coordinator or a villager would see them: solar
//! term dates as printed in almanacs, busy seasons, and when messages actually go.

use crate::common::{ANY, EN, ZH, matches, msg, tr, zh};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use fieldschool::domain::calendar::*;
use fieldschool::domain::gate::*;
use fieldschool::i18n::Lang;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn term(s: &str) -> SolarTerm {
    SolarTerm::parse(s).unwrap()
}

/// An instant given in the region's local time.
fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

fn north() -> RegionCalendar {
    RegionCalendar::new(SHANGHAI, "north-wheat-maize", &[], false)
}

// ---------------------------------------------------------------------------------------------------
// Solar terms
// ---------------------------------------------------------------------------------------------------

#[test]
fn solar_term_dates_match_published_almanacs() {
    let published: &[(i32, &str, u32, u32)] = &[
        // GUIDE.md section 3
        (2025, "立春", 2, 3),
        (2025, "清明", 4, 4),
        (2025, "芒种", 6, 5),
        (2025, "秋分", 9, 23),
        (2025, "冬至", 12, 21),
        (2026, "立春", 2, 4),
        (2026, "清明", 4, 5),
        (2026, "芒种", 6, 5),
        (2026, "大暑", 7, 23),
        (2026, "秋分", 9, 23),
        (2026, "冬至", 12, 22),
        (2027, "立夏", 5, 6),
        (2027, "芒种", 6, 6),
        (2027, "立秋", 8, 8),
        (2027, "白露", 9, 8),
        // well-known years
        (2000, "立春", 2, 4),
        (2000, "冬至", 12, 21),
        (1950, "立春", 2, 4),
        (2008, "立秋", 8, 7),
        (2021, "立春", 2, 3),
    ];
    for &(year, name, month, day) in published {
        assert_eq!(term_date(year, term(name)), date(year, month, day), "{year} {name}");
    }
}

#[test]
fn all_24_terms_of_2024_match_the_almanac() {
    let almanac = [
        (1, 6),
        (1, 20),
        (2, 4),
        (2, 19),
        (3, 5),
        (3, 20),
        (4, 4),
        (4, 19),
        (5, 5),
        (5, 20),
        (6, 5),
        (6, 21),
        (7, 6),
        (7, 22),
        (8, 7),
        (8, 22),
        (9, 7),
        (9, 22),
        (10, 8),
        (10, 23),
        (11, 7),
        (11, 22),
        (12, 6),
        (12, 21),
    ];
    for ((term, day), (month, dom)) in terms_of_year(2024).into_iter().zip(almanac) {
        assert_eq!(day, date(2024, month, dom), "{term:?}");
    }
}

#[test]
fn terms_run_in_order_about_fifteen_days_apart_from_1900_to_2100() {
    let mut previous: Option<NaiveDate> = None;
    for year in 1900..=2100 {
        let terms = terms_of_year(year);
        for (i, (term, day)) in terms.into_iter().enumerate() {
            assert_eq!(term, SolarTerm::ALL[i]);
            assert_eq!(day, term_date(year, term));
            assert_eq!(day.year(), year, "{year} {term:?}");
            // 小寒 in early January, then two terms a month: term i falls in month i/2 + 1.
            assert_eq!(day.month() as usize, i / 2 + 1, "{year} {term:?} on {day}");
            if let Some(before) = previous {
                let gap = (day - before).num_days();
                assert!((14..=16).contains(&gap), "{year} {term:?}: {gap} days after the previous term");
            }
            previous = Some(day);
        }
    }
}

#[test]
fn anchors_name_days_relative_to_the_term_of_the_year() {
    let sanxia_start: Anchor = "xiaoman+7".parse().unwrap();
    assert_eq!(sanxia_start.date_in(2026), date(2026, 5, 28));
    let before_solstice: Anchor = "夏至-5".parse().unwrap();
    assert_eq!(before_solstice.date_in(2027), date(2027, 6, 16));
}

// ---------------------------------------------------------------------------------------------------
// Zones and busy seasons
// ---------------------------------------------------------------------------------------------------

#[test]
fn north_china_busy_seasons_fall_on_the_guide_dates() {
    for year in [2026, 2027] {
        let seasons = north().busy_seasons(year);
        assert_eq!(
            seasons,
            vec![
                ("sanxia".to_owned(), date(year, 5, 28), date(year, 6, 16)),
                ("sanqiu".to_owned(), date(year, 9, 23), date(year, 10, 20)),
            ],
            "{year}"
        );
    }
}

#[test]
fn every_built_in_zone_has_plausible_seasons_and_unknown_zones_have_none() {
    for zone in ZONE_KEYS {
        let ranges = default_busy_ranges(zone).unwrap();
        assert!(!ranges.is_empty(), "{zone}");
        let cal = RegionCalendar::new(SHANGHAI, zone, &[], false);
        for year in [2026, 2027] {
            for (name, from, to) in cal.busy_seasons(year) {
                let days = (to - from).num_days() + 1;
                assert!((10..=50).contains(&days), "{zone} {name} {year}: {days} days");
                assert!(season_id(&name).is_some(), "{name} is a built-in season id");
                assert_eq!(from.year(), year);
            }
        }
    }
    assert_eq!(default_busy_ranges("atlantis"), None);
    assert!(RegionCalendar::new(SHANGHAI, "atlantis", &[], false).busy.is_empty());
}

#[test]
fn yangtze_and_south_seasons_follow_their_anchors() {
    let yangtze = RegionCalendar::new(SHANGHAI, "yangtze-rice", &[], false);
    // 2026: 清明 04-05 → 谷雨 04-20 + 10; 小暑 07-07 → 立秋 08-07 + 3; 寒露 10-08 → 立冬 11-07.
    assert_eq!(
        yangtze.busy_seasons(2026),
        vec![
            ("spring-transplanting".to_owned(), date(2026, 4, 5), date(2026, 4, 30)),
            ("shuangqiang".to_owned(), date(2026, 7, 7), date(2026, 8, 10)),
            ("autumn-harvest-winter-sowing".to_owned(), date(2026, 10, 8), date(2026, 11, 7)),
        ]
    );
    let south = RegionCalendar::new(SHANGHAI, "south-double-rice", &[], false);
    assert_eq!(south.is_busy_day(date(2026, 7, 2)), Some("shuangqiang"), "小暑 07-07 minus 5 days");
    assert_eq!(south.is_busy_day(date(2026, 7, 1)), None);
}

#[test]
fn busy_days_are_named_by_their_season() {
    let cal = north();
    assert_eq!(cal.is_busy_day(date(2026, 5, 27)), None);
    assert_eq!(cal.is_busy_day(date(2026, 5, 28)), Some("sanxia"));
    assert_eq!(cal.is_busy_day(date(2026, 6, 16)), Some("sanxia"));
    assert_eq!(cal.is_busy_day(date(2026, 6, 17)), None);
    assert_eq!(cal.is_busy_day(date(2027, 10, 1)), Some("sanqiu"));
}

#[test]
fn nearest_free_dates_suggest_days_around_a_busy_season() {
    let cal = north();
    // 2026-06-01 is in 三夏 (05-28 … 06-16): the closest free days are just before it.
    assert_eq!(
        cal.nearest_free_dates(date(2026, 6, 1), 3),
        vec![date(2026, 5, 25), date(2026, 5, 26), date(2026, 5, 27)]
    );
    // Late in the season the days after it are closer.
    assert_eq!(cal.nearest_free_dates(date(2026, 6, 14), 2), vec![date(2026, 6, 17), date(2026, 6, 18)]);
    // A free date is its own nearest.
    assert_eq!(cal.nearest_free_dates(date(2026, 3, 10), 1), vec![date(2026, 3, 10)]);
    // Only dates from today on.
    assert_eq!(
        cal.nearest_free_dates_not_before(date(2026, 6, 1), date(2026, 5, 30), 2),
        vec![date(2026, 6, 17), date(2026, 6, 18)]
    );
    assert!(cal.nearest_free_dates(date(2026, 6, 1), 0).is_empty());
}

#[test]
fn region_overrides_add_to_or_replace_the_zone_defaults() {
    let range = |name: &str, from: &str, to: &str| BusyRange {
        name: name.to_owned(),
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
        tr: Default::default(),
    };
    // A longer 三夏 written in Chinese takes the default's place; a local season is added.
    let overrides = [range("三夏", "xiaoman", "xiazhi"), range("采茶", "qingming", "guyu")];
    let cal = RegionCalendar::new(SHANGHAI, "north-wheat-maize", &overrides, false);
    assert_eq!(
        cal.busy_seasons(2026),
        vec![
            ("采茶".to_owned(), date(2026, 4, 5), date(2026, 4, 20)),
            ("sanxia".to_owned(), date(2026, 5, 21), date(2026, 6, 21)),
            ("sanqiu".to_owned(), date(2026, 9, 23), date(2026, 10, 20)),
        ]
    );
    assert_eq!(cal.is_busy_day(date(2026, 4, 10)), Some("采茶"));

    let replaced = RegionCalendar::new(SHANGHAI, "north-wheat-maize", &overrides[1..], true);
    assert_eq!(replaced.busy_seasons(2026), vec![("采茶".to_owned(), date(2026, 4, 5), date(2026, 4, 20))]);
    assert_eq!(replaced.is_busy_day(date(2026, 6, 1)), None);
    assert!(RegionCalendar::new(SHANGHAI, "north-wheat-maize", &[], true).busy.is_empty());
}

#[test]
fn a_season_over_the_new_year_runs_into_the_next_year() {
    let winter = BusyRange {
        name: "冬修水利".to_owned(),
        from: "dongzhi".parse().unwrap(),
        to: "xiaohan+5".parse().unwrap(),
        tr: Default::default(),
    };
    let cal = RegionCalendar::new(SHANGHAI, "none", &[winter], true);
    assert_eq!(cal.busy_seasons(2026), vec![("冬修水利".to_owned(), date(2026, 12, 22), date(2027, 1, 10))]);
    assert_eq!(cal.is_busy_day(date(2027, 1, 3)), Some("冬修水利"));
    assert_eq!(cal.is_busy_day(date(2026, 1, 3)), Some("冬修水利"), "the season that began in December 2025");
    assert_eq!(cal.is_busy_day(date(2026, 12, 21)), None);
    assert_eq!(cal.is_busy_day(date(2027, 1, 11)), None);
    assert_eq!(cal.nearest_free_dates(date(2026, 12, 31), 2), vec![date(2026, 12, 21), date(2027, 1, 11)]);
}

#[test]
fn daily_ranges_parse_and_wrap_midnight() {
    let quiet: DailyRange = "21:00-07:30".parse().unwrap();
    assert_eq!(quiet, DailyRange::default_quiet());
    assert!(quiet.crosses_midnight());
    assert_eq!(quiet.to_string(), "21:00-07:30");
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert!(quiet.contains(t(23, 0)) && quiet.contains(t(0, 0)) && quiet.contains(t(7, 29)));
    assert!(!quiet.contains(t(7, 30)) && !quiet.contains(t(20, 59)));
    let noon: DailyRange = "12:00-13:30".parse().unwrap();
    assert!(noon.contains(t(12, 0)) && !noon.contains(t(13, 30)));
    for bad in ["7:30-9:00", "10:00-10:00", "25:00-01:00", "12:00", "noon-13:00", ""] {
        assert!(bad.parse::<DailyRange>().is_err(), "{bad:?} should be refused");
    }
    let json = serde_json::to_string(&vec![quiet, noon]).unwrap();
    assert_eq!(json, r#"["21:00-07:30","12:00-13:30"]"#);
    assert_eq!(serde_json::from_str::<Vec<DailyRange>>(&json).unwrap(), vec![quiet, noon]);
}

// ---------------------------------------------------------------------------------------------------
// Printout
// ---------------------------------------------------------------------------------------------------

#[test]
fn the_calendar_printout_lists_terms_and_seasons_in_the_chosen_language() {
    let printout = render_calendar(&north(), "滑县", 2026, Lang::Zh);
    assert!(printout.contains("滑县"), "{printout}");
    let term = |key: &str, date: &str| tr!(ZH, "calendar-term-line", term = msg(ZH, key), date = date);
    assert!(printout.contains(&term("calendar-term-lichun", "2026-02-04")), "{printout}");
    assert!(printout.contains(&term("calendar-term-dongzhi", "2026-12-22")), "{printout}");
    let sanxia = tr!(
        ZH,
        "calendar-busy-line",
        season = zh("calendar-season-sanxia"),
        from = "2026-05-28",
        to = "2026-06-16",
        days = 20
    );
    assert!(printout.contains(&sanxia), "{printout}");
    let sanqiu = tr!(
        ZH,
        "calendar-busy-line",
        season = zh("calendar-season-sanqiu"),
        from = "2026-09-23",
        to = "2026-10-20",
        days = ANY
    );
    assert!(matches(&printout, &sanqiu), "{printout}");
    assert!(printout.contains("21:00-07:30") && printout.contains("12:00-13:30, 19:30-21:00"), "{printout}");
    assert_eq!(printout.lines().filter(|l| l.contains("2026-")).count(), 24 + 2);

    let english = render_calendar(&north(), "Hua County", 2026, Lang::En);
    let lichun = tr!(EN, "calendar-term-line", term = msg(EN, "calendar-term-lichun"), date = "2026-02-04");
    assert!(english.contains(&lichun), "{english}");
    let sanxia = tr!(EN, "calendar-busy-line", season = ANY, from = "2026-05-28", to = "2026-06-16", days = 20);
    assert!(matches(&english, &sanxia), "{english}");
    assert!(
        !english.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese in the English printout:\n{english}"
    );

    let custom = RegionCalendar::new(SHANGHAI, "none", &[], true);
    let none = render_calendar(&custom, "x", 2026, Lang::Zh);
    assert!(none.contains(&zh("calendar-busy-none")), "{none}");
}

// ---------------------------------------------------------------------------------------------------
// The gate: hand-checked examples (Henan, 2026; 三夏 is 05-28 … 06-16)
// ---------------------------------------------------------------------------------------------------

fn nobody_paused() -> Recipient {
    Recipient::default()
}

#[test]
fn a_dawn_reminder_on_a_harvest_day_goes_the_evening_before() {
    let cal = north();
    let session = at(SHANGHAI, 2026, 6, 2, 8, 0);
    let kind = MessageKind::Reminder { deadline: session };
    let planned = at(SHANGHAI, 2026, 6, 2, 6, 0);
    let week_before = at(SHANGHAI, 2026, 5, 25, 10, 0);
    // Evening window 19:30–21:00, half an hour before it closes.
    assert_eq!(
        gate(&cal, &nobody_paused(), &kind, planned, week_before),
        Decision::SendAt(at(SHANGHAI, 2026, 6, 1, 20, 30))
    );
    // Asked during the last half hour of that window: at once.
    let late_evening = at(SHANGHAI, 2026, 6, 1, 20, 45);
    assert_eq!(gate(&cal, &nobody_paused(), &kind, planned, late_evening), Decision::SendAt(late_evening));
    // Asked at night: the window is gone, so at the end of quiet hours, still before the class.
    let night = at(SHANGHAI, 2026, 6, 1, 22, 0);
    assert_eq!(gate(&cal, &nobody_paused(), &kind, planned, night), Decision::SendAt(at(SHANGHAI, 2026, 6, 2, 7, 30)));
    // A 07:00 class asked about at night has no moment left.
    let dawn_class = MessageKind::Reminder { deadline: at(SHANGHAI, 2026, 6, 2, 7, 0) };
    assert_eq!(gate(&cal, &nobody_paused(), &dawn_class, planned, night), Decision::Drop(DropReason::ReminderTooLate));
    // After the class started: nothing.
    let after = at(SHANGHAI, 2026, 6, 2, 8, 0);
    assert_eq!(gate(&cal, &nobody_paused(), &kind, planned, after), Decision::Drop(DropReason::ReminderTooLate));
}

#[test]
fn reminders_on_ordinary_days_keep_their_time_or_move_before_the_night() {
    let cal = north();
    let now = at(SHANGHAI, 2026, 3, 1, 9, 0);
    let kind = MessageKind::Reminder { deadline: at(SHANGHAI, 2026, 3, 11, 9, 0) };
    let evening = at(SHANGHAI, 2026, 3, 10, 19, 30);
    assert_eq!(gate(&cal, &nobody_paused(), &kind, evening, now), Decision::SendAt(evening));
    let night = at(SHANGHAI, 2026, 3, 10, 22, 0);
    assert_eq!(gate(&cal, &nobody_paused(), &kind, night, now), Decision::SendAt(at(SHANGHAI, 2026, 3, 10, 20, 30)));
    // Pauses do not hold back a reminder of one's own class.
    let paused = Recipient { paused_until: Some(at(SHANGHAI, 2026, 4, 1, 0, 0)) };
    assert_eq!(gate(&cal, &paused, &kind, evening, now), Decision::SendAt(evening));
}

#[test]
fn survey_nudges_wait_until_the_busy_season_is_over() {
    let cal = north();
    let now = at(SHANGHAI, 2026, 6, 1, 9, 0);
    let planned = at(SHANGHAI, 2026, 6, 1, 10, 0);
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::SurveyNudge, planned, now),
        Decision::SendAt(at(SHANGHAI, 2026, 6, 17, 7, 30))
    );
    let ordinary_day = at(SHANGHAI, 2026, 7, 10, 10, 0);
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::SurveyNudge, ordinary_day, now),
        Decision::SendAt(ordinary_day)
    );
}

#[test]
fn notices_on_busy_days_go_at_noon_or_in_the_evening() {
    let cal = north();
    let now = at(SHANGHAI, 2026, 6, 1, 9, 0);
    let send = |kind: MessageKind, planned| gate(&cal, &nobody_paused(), &kind, planned, now);
    let morning = at(SHANGHAI, 2026, 6, 1, 10, 0);
    assert_eq!(send(MessageKind::Notice, morning), Decision::SendAt(at(SHANGHAI, 2026, 6, 1, 12, 0)));
    assert_eq!(
        send(MessageKind::Digest, at(SHANGHAI, 2026, 6, 1, 14, 0)),
        Decision::SendAt(at(SHANGHAI, 2026, 6, 1, 19, 30))
    );
    assert_eq!(
        send(MessageKind::Broadcast { urgent: false }, at(SHANGHAI, 2026, 6, 1, 22, 0)),
        Decision::SendAt(at(SHANGHAI, 2026, 6, 2, 12, 0))
    );
    // Inside a window it goes as planned.
    let noon = at(SHANGHAI, 2026, 6, 1, 12, 40);
    assert_eq!(send(MessageKind::Notice, noon), Decision::SendAt(noon));
    // Urgent news only waits for the night to end.
    assert_eq!(send(MessageKind::Broadcast { urgent: true }, morning), Decision::SendAt(morning));
    assert_eq!(
        send(MessageKind::Broadcast { urgent: true }, at(SHANGHAI, 2026, 6, 1, 23, 0)),
        Decision::SendAt(at(SHANGHAI, 2026, 6, 2, 7, 30))
    );
    // A message planned in the past goes now (if now is allowed).
    assert_eq!(send(MessageKind::Broadcast { urgent: true }, at(SHANGHAI, 2026, 5, 1, 8, 0)), Decision::SendAt(now));
}

#[test]
fn paused_people_get_non_urgent_messages_after_their_pause() {
    let cal = north();
    let now = at(SHANGHAI, 2026, 3, 10, 9, 0);
    let planned = at(SHANGHAI, 2026, 3, 10, 10, 0);
    let paused = Recipient { paused_until: Some(at(SHANGHAI, 2026, 3, 12, 23, 0)) };
    let after_pause = Decision::SendAt(at(SHANGHAI, 2026, 3, 13, 7, 30));
    for kind in
        [MessageKind::Notice, MessageKind::Digest, MessageKind::SurveyNudge, MessageKind::Broadcast { urgent: false }]
    {
        assert_eq!(gate(&cal, &paused, &kind, planned, now), after_pause, "{kind:?}");
    }
    assert_eq!(gate(&cal, &paused, &MessageKind::Broadcast { urgent: true }, planned, now), Decision::SendAt(planned));
    // A pause that has ended changes nothing.
    let was_paused = Recipient { paused_until: Some(at(SHANGHAI, 2026, 3, 1, 0, 0)) };
    assert_eq!(gate(&cal, &was_paused, &MessageKind::Notice, planned, now), Decision::SendAt(planned));
}

#[test]
fn a_region_busy_all_year_never_gets_survey_nudges() {
    let always = BusyRange {
        name: "all".to_owned(),
        from: "xiaohan".parse().unwrap(),
        to: "xiaohan-1".parse().unwrap(),
        tr: Default::default(),
    };
    let cal = RegionCalendar::new(SHANGHAI, "none", &[always], true);
    let now = at(SHANGHAI, 2026, 3, 10, 9, 0);
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::SurveyNudge, now, now),
        Decision::Drop(DropReason::NoAllowedTime)
    );
    // Others still go inside the busy windows.
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::Notice, now, now),
        Decision::SendAt(at(SHANGHAI, 2026, 3, 10, 12, 0))
    );
}

#[test]
fn quiet_hours_follow_the_regions_time_zone() {
    // Kashgar keeps Xinjiang time (UTC+6): 07:30 there is 09:30 in Beijing.
    let urumqi: Tz = chrono_tz::Asia::Urumqi;
    let cal = RegionCalendar::new(urumqi, "northwest-dry", &[], false);
    let now = at(urumqi, 2026, 3, 10, 1, 0);
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::Broadcast { urgent: true }, now, now),
        Decision::SendAt(at(urumqi, 2026, 3, 10, 7, 30))
    );
}

#[test]
fn clock_changes_do_not_lose_or_invent_allowed_time() {
    // Berlin skips 02:00–03:00 on 2026-03-29; quiet hours 01:00–02:30 end when the clocks jump.
    let berlin: Tz = chrono_tz::Europe::Berlin;
    let mut cal = RegionCalendar::new(berlin, "none", &[], true);
    cal.quiet = "01:00-02:30".parse().unwrap();
    let night = at(berlin, 2026, 3, 29, 1, 15);
    assert_eq!(
        gate(&cal, &nobody_paused(), &MessageKind::Notice, night, night),
        Decision::SendAt(at(berlin, 2026, 3, 29, 3, 0))
    );
}

// ---------------------------------------------------------------------------------------------------
// The gate: properties over many random instants
// ---------------------------------------------------------------------------------------------------

/// Whether the rules allow a message needing busy windows at `t`, checked directly on the calendar.
fn strictly_allowed(cal: &RegionCalendar, t: DateTime<Utc>) -> bool {
    !cal.is_quiet(t) && (cal.busy_season_at(t).is_none() || cal.in_busy_window(t))
}

/// `t` itself, then every quarter hour after it up to and including `until`: all boundaries of the
/// daily ranges used here fall on quarter hours in these time zones.
fn probe_instants(from: DateTime<Utc>, until: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> {
    let quarter = 15 * 60;
    let first_aligned = (from.timestamp() / quarter + 1) * quarter;
    std::iter::once(from)
        .chain(
            (0..)
                .map(move |k| DateTime::from_timestamp(first_aligned + k * quarter, 0).unwrap())
                .take_while(move |t| *t < until),
        )
        .chain(std::iter::once(until))
        .filter(move |t| *t <= until)
}

#[test]
fn the_gate_keeps_its_promises_for_random_messages() {
    let zones: Vec<Tz> = vec![
        chrono_tz::Asia::Shanghai,
        chrono_tz::Asia::Urumqi,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
    ];
    let mut rng = StdRng::seed_from_u64(20_261_128);
    let start_2025 = at(SHANGHAI, 2025, 1, 1, 0, 0).timestamp();
    let end_2027 = at(SHANGHAI, 2027, 12, 31, 0, 0).timestamp();
    let mut sent = [0usize; 6];
    let mut sent_on_busy_days = 0;
    for tz in &zones {
        for zone in ZONE_KEYS {
            let mut cal = RegionCalendar::new(*tz, zone, &[], false);
            if rng.gen_bool(0.3) {
                // Other daily ranges now and then, including a quiet range that does not cross midnight.
                cal.quiet = "00:30-06:00".parse().unwrap();
                cal.busy_windows = vec![
                    "05:45-06:15".parse().unwrap(),
                    "11:30-13:00".parse().unwrap(),
                    "18:00-22:00".parse().unwrap(),
                ];
            }
            for _ in 0..60 {
                // Quarter-hour aligned and random seconds alike.
                let now = DateTime::from_timestamp(rng.gen_range(start_2025..end_2027), 0).unwrap();
                let planned = now + Duration::minutes(rng.gen_range(-2 * 24 * 60..20 * 24 * 60));
                let paused_until =
                    rng.gen_bool(0.3).then(|| now + Duration::minutes(rng.gen_range(-24 * 60..10 * 24 * 60)));
                let who = Recipient { paused_until };
                let deadline = planned + Duration::minutes(rng.gen_range(-3 * 60..3 * 24 * 60));
                let kinds = [
                    MessageKind::Reminder { deadline },
                    MessageKind::SurveyNudge,
                    MessageKind::Broadcast { urgent: true },
                    MessageKind::Broadcast { urgent: false },
                    MessageKind::Digest,
                    MessageKind::Notice,
                ];
                for (k, kind) in kinds.iter().enumerate() {
                    let case = format!("{tz} {zone} {kind:?} planned {planned} now {now} paused {paused_until:?}");
                    let decision = gate(&cal, &who, kind, planned, now);
                    let Decision::SendAt(t) = decision else {
                        // Only a reminder may be dropped here, and only when every moment before the
                        // class is night.
                        assert!(matches!(kind, MessageKind::Reminder { .. }), "{case}: {decision:?}");
                        if deadline > now {
                            let last = deadline - Duration::seconds(1);
                            assert!(probe_instants(now, last).all(|p| cal.is_quiet(p)), "{case}: dropped");
                        }
                        continue;
                    };
                    sent[k] += 1;
                    sent_on_busy_days += usize::from(cal.busy_season_at(t).is_some());
                    assert!(t >= now, "{case}: {t} before now");
                    assert!(!cal.is_quiet(t), "{case}: {t} in quiet hours");
                    assert_eq!(gate(&cal, &who, kind, t, now), decision, "{case}: not idempotent");
                    match kind {
                        MessageKind::Reminder { deadline } => {
                            assert!(t < *deadline, "{case}: {t} not before the class");
                            let bound = planned.min(*deadline - Duration::seconds(1));
                            if bound >= now && probe_instants(now, bound).any(|p| strictly_allowed(&cal, p)) {
                                assert!(t <= planned, "{case}: {t} later than planned");
                                assert!(strictly_allowed(&cal, t), "{case}: {t} outside the busy windows");
                            }
                        }
                        MessageKind::Broadcast { urgent: true } => {
                            let from = planned.max(now);
                            assert!(t >= from, "{case}: {t}");
                            assert!(
                                probe_instants(from, t).filter(|p| *p < t).all(|p| cal.is_quiet(p)),
                                "{case}: {t} not the first moment after the night"
                            );
                        }
                        _ => {
                            let from = planned.max(now).max(paused_until.unwrap_or(now));
                            assert!(t >= from, "{case}: {t} before planned or pause");
                            let allowed = |p: DateTime<Utc>| {
                                if *kind == MessageKind::SurveyNudge {
                                    !cal.is_quiet(p) && cal.busy_season_at(p).is_none()
                                } else {
                                    strictly_allowed(&cal, p)
                                }
                            };
                            assert!(allowed(t), "{case}: {t} not allowed (season {:?})", cal.busy_season_at(t));
                            let horizon = t.min(from + Duration::days(45));
                            assert!(
                                probe_instants(from, horizon).filter(|p| *p < t).all(|p| !allowed(p)),
                                "{case}: {t} is not the first allowed moment"
                            );
                        }
                    }
                }
            }
        }
    }
    // The properties were exercised, not skipped.
    assert!(sent.iter().all(|&n| n > 100), "{sent:?}");
    assert!(sent_on_busy_days > 100, "{sent_on_busy_days} messages on busy days");
}

//! The coordinators' daily digest: once a day at a set local time (18:00 by default), through the
//! gate, what happened in their regions since the day before.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::app::App;
use crate::db;
use crate::domain::catalog::SessionStatus;
use crate::domain::gate::MessageKind;
use crate::domain::person::{Role, RoleGrant};
use crate::domain::region::{Region, RegionLevel};
use crate::domain::scope;
use crate::domain::translations::Localized;
use crate::i18n::{Lang, local_date};
use crate::services::notify::{self, Note, payload};
use crate::tr;

/// What a digest reports, for one coordinator's regions and one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// New orders per course title (Chinese and English titles).
    pub orders: Vec<(Localized, i64)>,
    pub cancellations: i64,
    pub waitlisted: i64,
    pub present: i64,
    pub absent: i64,
    pub excused: i64,
    pub quizzes_passed: i64,
    pub quizzes: i64,
    /// Surveys answered in full (baseline, follow-ups, course feedback).
    pub surveys_answered: i64,
    /// (township, topic label) of 点单 topics that reached the threshold.
    pub requests: Vec<(Region, String)>,
    /// Coming sessions (two weeks) on busy-season days.
    pub busy_sessions: Vec<BusyLine>,
    /// People who blocked the bot: name, village.
    pub unreachable: Vec<(String, Region)>,
}

/// A coming session on a busy-season day, named as people know its class: the course, the place and
/// the day the class begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyLine {
    pub course: Localized,
    pub place: Localized,
    /// Local date of the class's first session.
    pub first_day: NaiveDate,
    /// Local date of the session in the busy season.
    pub day: NaiveDate,
    /// The season's name.
    pub season: Localized,
}

impl Figures {
    pub fn is_quiet(&self) -> bool {
        *self == Figures::default()
    }
}

/// The digest instant of the local day containing `at`.
fn digest_instant(app: &App, day: NaiveDate) -> DateTime<Utc> {
    let tz = app.config.default_timezone;
    tz.from_local_datetime(&day.and_time(app.config.digest_at)).earliest().map(|t| t.to_utc()).unwrap_or_default()
}

/// When the next digest falls due after a pass of [`run_due`] that began at `pass_began`. Taking the
/// instant the pass began, not the clock now, matters: had the clock passed 18:00 during the pass, "now"
/// would point at tomorrow's digest and today's would be skipped.
pub fn next_due(app: &App, pass_began: DateTime<Utc>) -> DateTime<Utc> {
    let today = pass_began.with_timezone(&app.config.default_timezone).date_naive();
    let at = digest_instant(app, today);
    if at > pass_began { at } else { digest_instant(app, today + Duration::days(1)) }
}

pub async fn figures(
    app: &App,
    scopes: &[String],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> anyhow::Result<Figures> {
    let regions = db::catalog::all_regions(&app.db).await?;
    // The coordinator's scope, decided by the one rule (`domain::scope`): a region counts when one of
    // their grants is the region or above it.
    let grants: Vec<RoleGrant> =
        scopes.iter().map(|key| RoleGrant { role: Role::Coordinator, region_key: key.clone() }).collect();
    let actor = scope::Actor { user_id: 0, grants: &grants, trainer_key: None };
    let under = |r: &Region| {
        let mut chain = Vec::new();
        let mut key = Some(r.key.clone());
        while let Some(k) = key.take() {
            if chain.len() > 8 {
                break; // a malformed cycle cannot loop forever
            }
            key = regions.iter().find(|x| x.key == k).and_then(|x| x.parent_key.clone());
            chain.push(k);
        }
        scope::may(&actor, &scope::Target::Region { chain: &chain }).is_ok()
    };
    let townships: Vec<String> =
        regions.iter().filter(|r| r.level == RegionLevel::Township && under(r)).map(|r| r.key.clone()).collect();
    let villages: Vec<String> =
        regions.iter().filter(|r| r.level == RegionLevel::Village && under(r)).map(|r| r.key.clone()).collect();
    let classes = db::digest::classes_in(&app.db, scopes).await?;
    let class_keys: Vec<String> = classes.iter().map(|(k, _)| k.clone()).collect();

    let mut f = Figures::default();
    let new_orders = db::digest::events_per_class(
        &app.db,
        &class_keys,
        &["pending_approval", "confirmed", "waitlisted"],
        true,
        from,
        until,
    )
    .await?;
    for (class_key, n) in new_orders {
        let course_key = classes.iter().find(|(k, _)| *k == class_key).map(|(_, c)| c.clone()).unwrap_or_default();
        let course = db::catalog::course(&app.db, &course_key).await?;
        let title = course.map(|c| Localized::field(&c.title, &c.tr, "title")).unwrap_or_default();
        match f.orders.iter_mut().find(|(t, _)| t.base == title.base) {
            Some(entry) => entry.1 += n,
            None => f.orders.push((title, n)),
        }
    }
    f.cancellations = db::digest::events_per_class(&app.db, &class_keys, &["cancelled"], false, from, until)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    f.waitlisted = db::digest::waitlisted(&app.db, &class_keys).await?;
    (f.present, f.absent, f.excused) = db::digest::attendance(&app.db, &class_keys, from, until).await?;
    (f.quizzes_passed, f.quizzes) = db::digest::quizzes(&app.db, &class_keys, from, until).await?;
    f.surveys_answered = db::digest::surveys_answered(&app.db, &class_keys, from, until).await?;
    for (township, topic) in db::digest::request_alerts(&app.db, &townships, from, until).await? {
        if let Some(r) = regions.iter().find(|r| r.key == township) {
            f.requests.push((r.clone(), topic));
        }
    }
    let horizon = until + Duration::days(14);
    for (class_key, course_key) in &classes {
        let Some(class) = db::catalog::class(&app.db, class_key).await? else { continue };
        let Some(calendar) = db::catalog::calendar_of(&app.db, &class.region_key).await? else { continue };
        let sessions = db::catalog::sessions_of_class(&app.db, class_key).await?;
        let scheduled = sessions.iter().filter(|s| s.status == SessionStatus::Scheduled);
        let Some(first) = scheduled.clone().map(|s| s.starts_at).min() else { continue };
        let course = db::catalog::course(&app.db, course_key).await?;
        for s in scheduled {
            if s.starts_at < until || s.starts_at >= horizon {
                continue;
            }
            let day = s.starts_at.with_timezone(&calendar.tz).date_naive();
            if let Some(season) = calendar.is_busy_day(day) {
                f.busy_sessions.push(BusyLine {
                    course: course
                        .as_ref()
                        .map(|c| Localized::field(&c.title, &c.tr, "title"))
                        .unwrap_or_else(|| Localized::plain(class_key.clone())),
                    place: Localized::field(&class.place, &class.tr, "place"),
                    first_day: first.with_timezone(&calendar.tz).date_naive(),
                    day,
                    season: calendar.season_localized(season),
                });
            }
        }
    }
    for (name, village) in db::digest::newly_unreachable(&app.db, &villages, from, until).await? {
        if let Some(r) = regions.iter().find(|r| r.key == village) {
            f.unreachable.push((name, r.clone()));
        }
    }
    Ok(f)
}

pub fn render(lang: Lang, day: NaiveDate, f: &Figures) -> String {
    let mut lines = vec![tr!(lang, "digest-title", date = local_date(lang, day))];
    let total: i64 = f.orders.iter().map(|(_, n)| n).sum();
    lines.push(tr!(lang, "digest-orders", total = total));
    for (title, n) in &f.orders {
        lines.push(tr!(lang, "digest-order-line", course = title.get(lang), n = *n));
    }
    lines.push(tr!(lang, "digest-cancellations", n = f.cancellations));
    lines.push(tr!(lang, "digest-waitlisted", n = f.waitlisted));
    lines.push(tr!(lang, "digest-attendance", present = f.present, absent = f.absent, excused = f.excused));
    lines.push(tr!(lang, "digest-quizzes", passed = f.quizzes_passed, all = f.quizzes));
    if f.surveys_answered > 0 {
        lines.push(tr!(lang, "digest-surveys", n = f.surveys_answered));
    }
    if !f.requests.is_empty() {
        let list: Vec<String> = f
            .requests
            .iter()
            .map(|(t, topic)| {
                let label = crate::services::requests::topic_label(lang, topic, topic.trim_start_matches("t:"));
                format!("{} · {label}", t.display_name(lang))
            })
            .collect();
        lines.push(tr!(lang, "digest-requests", list = list.join(&tr!(lang, "list-separator"))));
    }
    if !f.busy_sessions.is_empty() {
        let list: Vec<String> = f
            .busy_sessions
            .iter()
            .map(|b| {
                tr!(
                    lang,
                    "digest-busy-line",
                    course = b.course.get(lang),
                    place = b.place.get(lang),
                    first = local_date(lang, b.first_day),
                    date = local_date(lang, b.day),
                    season = b.season.get(lang)
                )
            })
            .collect();
        lines.push(tr!(lang, "digest-busy", list = list.join(&tr!(lang, "list-separator"))));
    }
    if !f.unreachable.is_empty() {
        let list: Vec<String> = f
            .unreachable
            .iter()
            .map(|(name, village)| {
                tr!(lang, "digest-person", name = name.as_str(), village = village.display_name(lang))
            })
            .collect();
        lines.push(tr!(lang, "digest-unreachable", list = list.join(&tr!(lang, "list-separator"))));
    }
    lines.join("\n")
}

/// Queues today's digest for every coordinator once its time has come. Returns how many it queued.
pub async fn run_due(app: &App) -> anyhow::Result<usize> {
    let now = app.now();
    let today = now.with_timezone(&app.config.default_timezone).date_naive();
    let at = digest_instant(app, today);
    if now < at {
        return Ok(0);
    }
    let from = digest_instant(app, today - Duration::days(1));
    let mut queued = 0;
    for (user_id, scopes) in db::digest::coordinators(&app.db).await? {
        let key = format!("digest:{user_id}:{today}");
        if db::outbox::dedupe_exists(&app.db, &key).await? {
            continue;
        }
        let f = figures(app, &scopes, from, at).await?;
        if f.is_quiet() {
            continue; // a day without news sends nothing: a daily "nothing new" is noise
        }
        let note = Note {
            kind: MessageKind::Digest,
            label: "digest",
            render: Box::new(move |lang| payload(render(lang, today, &f), vec![])),
            dedupe_key: Some(key),
            planned_at: at,
            deadline_at: None,
            personal: false,
            group: None,
        };
        let mut tx = app.db.begin_write().await?;
        if notify::queue(&mut tx, app, user_id, &note).await?.is_some() {
            queued += 1;
        }
        tx.commit().await?;
    }
    if queued > 0 {
        app.wake_outbox();
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_season_class_reads_in_the_readers_language_where_the_catalogue_translates_it() {
        let day = |d| NaiveDate::from_ymd_opt(2027, 6, d).unwrap();
        let f = Figures {
            busy_sessions: vec![BusyLine {
                course: Localized {
                    base: "惠民政策明白课".into(),
                    tr: [("en".to_owned(), "Know your benefits".to_owned())].into(),
                },
                place: Localized::plain("南庄村党群服务中心"),
                first_day: day(3),
                day: day(5),
                season: crate::domain::calendar::RegionCalendar::new(
                    chrono_tz::Asia::Shanghai,
                    "north-wheat-maize",
                    &[],
                    false,
                )
                .season_localized("sanxia"),
            }],
            ..Figures::default()
        };
        let en = render(Lang::En, day(1), &f);
        assert!(en.contains("Know your benefits · 南庄村党群服务中心 · starts "), "{en}");
        let zh = render(Lang::Zh, day(1), &f);
        assert!(
            zh.contains("惠民政策明白课 · 南庄村党群服务中心 · 6月3日（周四）开班：6月5日（周六）正值三夏"),
            "{zh}"
        );
    }
}

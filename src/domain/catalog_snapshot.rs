//! The whole catalogue in memory, as one immutable value: regions with their parent links (so an
//! ancestry is a walk in memory), trainers, courses, classes and sessions. Only an import changes the
//! catalogue, so every update can read it from here instead of asking storage again and again; it
//! grows with the catalogue, never with the people. Loading it (and knowing when it is stale) is
//! `db::snapshot`'s business.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::calendar::RegionCalendar;
use crate::domain::catalog::{Class, ClassStatus, Course, RegionSchedule, Session, SessionStatus, Trainer};
use crate::domain::person::Audience;
use crate::domain::region::Region;
use crate::domain::reminder::ReminderPlan;
use crate::domain::translations::Localized;

/// A walk up the region tree stops after this many steps: the tree is at most three levels deep, the
/// bound guards against a corrupt cycle (as the storage walks always did).
const MAX_CHAIN: usize = 9;

/// One region with the settings it states itself (inheritance is resolved on lookup).
#[derive(Debug, Clone, PartialEq)]
pub struct RegionNode {
    /// As `db::regions::get` returns it (time zone and agricultural zone already resolved).
    pub region: Region,
    pub schedule: RegionSchedule,
    /// Reminder timing set on this region (`HH:MM` or `off`; hours, 0 = off); `None` = inherit.
    pub remind_evening_at: Option<String>,
    pub remind_hours_before: Option<i64>,
    /// The training office's contact given on this region; `None` = the nearest above.
    pub contact: Option<String>,
}

/// The catalogue at one `version` (the storage counter every catalogue write bumps).
#[derive(Debug, Clone)]
pub struct CatalogSnapshot {
    version: i64,
    /// In catalogue order (sort order, then key).
    regions: Vec<RegionNode>,
    region_at: HashMap<String, usize>,
    trainers: HashMap<String, Trainer>,
    /// In catalogue order.
    courses: Vec<Course>,
    course_at: HashMap<String, usize>,
    /// In catalogue order (sort order, then key).
    classes: Vec<Class>,
    class_at: HashMap<String, usize>,
    classes_of_course: HashMap<String, Vec<usize>>,
    /// In time order (start, then id).
    sessions: Vec<Session>,
    session_at: HashMap<i64, usize>,
    sessions_of_class: HashMap<String, Vec<usize>>,
}

impl CatalogSnapshot {
    /// Builds the lookups. Each list must come in the order stated on the fields above.
    pub fn new(
        version: i64,
        regions: Vec<RegionNode>,
        trainers: Vec<Trainer>,
        courses: Vec<Course>,
        classes: Vec<Class>,
        sessions: Vec<Session>,
    ) -> CatalogSnapshot {
        let region_at = regions.iter().enumerate().map(|(i, r)| (r.region.key.clone(), i)).collect();
        let course_at = courses.iter().enumerate().map(|(i, c)| (c.key.clone(), i)).collect();
        let class_at = classes.iter().enumerate().map(|(i, c)| (c.key.clone(), i)).collect();
        let mut classes_of_course: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, class) in classes.iter().enumerate() {
            classes_of_course.entry(class.course_key.clone()).or_default().push(i);
        }
        let session_at = sessions.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut sessions_of_class: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, session) in sessions.iter().enumerate() {
            sessions_of_class.entry(session.class_key.clone()).or_default().push(i);
        }
        CatalogSnapshot {
            version,
            regions,
            region_at,
            trainers: trainers.into_iter().map(|t| (t.key.clone(), t)).collect(),
            courses,
            course_at,
            classes,
            class_at,
            classes_of_course,
            sessions,
            session_at,
            sessions_of_class,
        }
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    fn node(&self, key: &str) -> Option<&RegionNode> {
        self.region_at.get(key).map(|&i| &self.regions[i])
    }

    /// The region and its ancestors, nearest first.
    fn chain(&self, key: &str) -> impl Iterator<Item = &RegionNode> {
        let mut next = self.node(key);
        std::iter::from_fn(move || {
            let node = next.take()?;
            next = node.region.parent_key.as_deref().and_then(|p| self.node(p));
            Some(node)
        })
        .take(MAX_CHAIN)
    }

    pub fn region(&self, key: &str) -> Option<&Region> {
        self.node(key).map(|n| &n.region)
    }

    /// The region and all its ancestors, nearest first (village, township, county).
    pub fn ancestry(&self, key: &str) -> Vec<Region> {
        self.chain(key).map(|n| n.region.clone()).collect()
    }

    /// Counties when `parent` is `None`, otherwise the children of `parent`, in catalogue order.
    pub fn children(&self, parent: Option<&str>) -> Vec<Region> {
        self.regions.iter().filter(|n| n.region.parent_key.as_deref() == parent).map(|n| n.region.clone()).collect()
    }

    /// Every region in catalogue order.
    pub fn all_regions(&self) -> Vec<Region> {
        self.regions.iter().map(|n| n.region.clone()).collect()
    }

    /// The training office's contact for someone in `key`: the nearest `contact` up the chain.
    pub fn office_contact(&self, key: &str) -> Option<Localized> {
        self.chain(key).take(MAX_CHAIN - 1).find_map(|n| {
            let contact = n.contact.as_deref().filter(|c| !c.trim().is_empty())?;
            Some(Localized::field(contact, &n.region.tr, "contact"))
        })
    }

    /// The calendar of a region: its zone's busy seasons with the overrides of its ancestry applied,
    /// and its daily windows. `None` when the region is unknown.
    pub fn calendar(&self, key: &str) -> Option<RegionCalendar> {
        let region = &self.node(key)?.region;
        let top_down: Vec<RegionSchedule> = {
            let mut chain: Vec<RegionSchedule> = self.chain(key).map(|n| n.schedule.clone()).collect();
            chain.reverse();
            chain
        };
        let tz: chrono_tz::Tz = region.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        Some(RegionSchedule::resolve(tz, &region.agri_zone, &top_down))
    }

    /// When people in a region are reminded of their sessions (its own settings, else its ancestors',
    /// else the defaults).
    pub fn reminder_plan(&self, key: &str) -> ReminderPlan {
        let mut top_down: Vec<(Option<String>, Option<i64>)> =
            self.chain(key).map(|n| (n.remind_evening_at.clone(), n.remind_hours_before)).collect();
        top_down.reverse();
        ReminderPlan::resolve(&top_down)
    }

    pub fn trainer(&self, key: &str) -> Option<&Trainer> {
        self.trainers.get(key)
    }

    pub fn course(&self, key: &str) -> Option<&Course> {
        self.course_at.get(key).map(|&i| &self.courses[i])
    }

    pub fn class(&self, key: &str) -> Option<&Class> {
        self.class_at.get(key).map(|&i| &self.classes[i])
    }

    /// A course's classes, in catalogue order.
    pub fn classes_of_course(&self, course_key: &str) -> impl Iterator<Item = &Class> {
        self.classes_of_course.get(course_key).into_iter().flatten().map(|&i| &self.classes[i])
    }

    /// A class's sessions in time order, cancelled ones included.
    pub fn sessions_of_class(&self, class_key: &str) -> impl Iterator<Item = &Session> {
        self.sessions_of_class.get(class_key).into_iter().flatten().map(|&i| &self.sessions[i])
    }

    pub fn session(&self, id: i64) -> Option<&Session> {
        self.session_at.get(&id).map(|&i| &self.sessions[i])
    }

    /// Scheduled and cancelled sessions of a trainer's courses ending after `from`, in time order, with
    /// their class and course; at most `limit`.
    pub fn sessions_of_trainer(
        &self,
        trainer_key: &str,
        from: DateTime<Utc>,
        limit: usize,
    ) -> Vec<(Session, Class, Course)> {
        self.sessions
            .iter()
            .filter(|s| s.ends_at > from)
            .filter_map(|s| {
                let class = self.class(&s.class_key)?;
                let course = self.course(&class.course_key).filter(|c| c.trainer_key == trainer_key)?;
                Some((s.clone(), class.clone(), course.clone()))
            })
            .take(limit)
            .collect()
    }

    /// Courses of an audience that have at least one open class whose first scheduled session is
    /// after `now`, in catalogue order. With `county`, only classes held in that county (the class's
    /// region, its parent or its grandparent) count.
    pub fn offered_courses(&self, audience: Audience, now: DateTime<Utc>, county: Option<&str>) -> Vec<Course> {
        let county = county.filter(|c| !c.is_empty());
        let held_in_county = |class: &Class| match county {
            None => true,
            Some(county) => self.chain(&class.region_key).take(3).any(|n| n.region.key == county),
        };
        let first_start = |class: &Class| {
            self.sessions_of_class(&class.key)
                .filter(|s| s.status == SessionStatus::Scheduled)
                .map(|s| s.starts_at)
                .min()
        };
        self.courses
            .iter()
            .filter(|course| course.audience == audience)
            .filter(|course| {
                self.classes_of_course(&course.key).any(|class| {
                    class.status == ClassStatus::Open
                        && held_in_county(class)
                        && first_start(class).is_some_and(|t| t > now)
                })
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::calendar::{BusyRange, DailyRange};
    use crate::domain::catalog::{BusyMode, Category, Credits, Mode, Translations};
    use crate::domain::region::RegionLevel;

    fn node(key: &str, parent: Option<&str>, level: RegionLevel) -> RegionNode {
        RegionNode {
            region: Region {
                key: key.into(),
                parent_key: parent.map(Into::into),
                level,
                name: key.to_uppercase(),
                tr: Translations::default(),
                timezone: "Asia/Shanghai".into(),
                agri_zone: "north-wheat-maize".into(),
            },
            schedule: RegionSchedule::default(),
            remind_evening_at: None,
            remind_hours_before: None,
            contact: None,
        }
    }

    fn course(key: &str, audience: Audience) -> Course {
        Course {
            key: key.into(),
            title: key.into(),
            audience,
            category: Category::CropsLivestock,
            summary: "s".into(),
            mode: Mode::Field,
            trainer_key: "wang".into(),
            cost_yuan: 0,
            funded_by: None,
            needs_approval: false,
            credits: Credits::ZERO,
            what_to_bring: None,
            photo: None,
            min_attendance_pct: 80,
            practical_check: false,
            pass_mark_pct: 60,
            tr: Translations::default(),
        }
    }

    fn class(key: &str, course: &str, region: &str, status: ClassStatus) -> Class {
        Class {
            key: key.into(),
            course_key: course.into(),
            region_key: region.into(),
            place: "p".into(),
            capacity: 10,
            status,
            venue: None,
            tr: Translations::default(),
        }
    }

    fn session(id: i64, class: &str, day: u32, status: SessionStatus) -> Session {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, day, 1, 0, 0).unwrap();
        Session {
            id,
            class_key: class.into(),
            key: format!("s{id}"),
            starts_at,
            ends_at: starts_at + chrono::TimeDelta::hours(2),
            place: None,
            topic: None,
            status,
            venue: None,
            tr: Translations::default(),
        }
    }

    /// Two counties; `xinan` has a township and a village below it, with settings at each level.
    fn snapshot() -> CatalogSnapshot {
        let mut county = node("xinan", None, RegionLevel::County);
        county.contact = Some("county office".into());
        county.remind_evening_at = Some("20:00".into());
        county.schedule.busy = vec![BusyRange {
            name: "early".into(),
            from: "qingming".parse().unwrap(),
            to: "guyu".parse().unwrap(),
            tr: Translations::default(),
        }];
        let mut township = node("xinan-tieshan", Some("xinan"), RegionLevel::Township);
        township.contact = Some("  ".into());
        township.schedule.quiet_hours = Some("22:00-06:00".parse::<DailyRange>().unwrap());
        township.remind_hours_before = Some(0);
        let mut village = node("xinan-tieshan-dongcun", Some("xinan-tieshan"), RegionLevel::Village);
        village.region.timezone = "Asia/Urumqi".into();
        village.schedule.busy_mode = BusyMode::Replace;
        village.remind_evening_at = Some("off".into());
        let other = node("qianshan", None, RegionLevel::County);
        let classes = vec![
            class("near", "mushroom", "xinan-tieshan-dongcun", ClassStatus::Open),
            class("far", "tea", "qianshan", ClassStatus::Open),
            class("shut", "pigs", "xinan", ClassStatus::Closed),
        ];
        let sessions = vec![
            session(2, "near", 8, SessionStatus::Cancelled),
            session(1, "near", 9, SessionStatus::Scheduled),
            session(3, "far", 10, SessionStatus::Scheduled),
            session(4, "shut", 11, SessionStatus::Scheduled),
        ];
        CatalogSnapshot::new(
            7,
            vec![county, township, village, other],
            vec![],
            vec![
                course("mushroom", Audience::Villager),
                course("tea", Audience::Villager),
                course("pigs", Audience::Villager),
            ],
            classes,
            sessions,
        )
    }

    fn keys(regions: &[Region]) -> Vec<&str> {
        regions.iter().map(|r| r.key.as_str()).collect()
    }

    #[test]
    fn ancestry_walks_up_in_memory_nearest_first() {
        let s = snapshot();
        assert_eq!(keys(&s.ancestry("xinan-tieshan-dongcun")), ["xinan-tieshan-dongcun", "xinan-tieshan", "xinan"]);
        assert_eq!(keys(&s.ancestry("xinan")), ["xinan"]);
        assert!(s.ancestry("nowhere").is_empty());
        assert_eq!(keys(&s.children(None)), ["xinan", "qianshan"], "catalogue order");
        assert_eq!(keys(&s.children(Some("xinan"))), ["xinan-tieshan"]);
    }

    #[test]
    fn a_corrupt_cycle_ends_like_the_storage_walk() {
        let a = node("a", Some("b"), RegionLevel::Township);
        let b = node("b", Some("a"), RegionLevel::Township);
        let s = CatalogSnapshot::new(1, vec![a, b], vec![], vec![], vec![], vec![]);
        assert_eq!(s.ancestry("a").len(), 9);
        assert_eq!(s.office_contact("a"), None);
        assert!(s.calendar("a").is_some());
    }

    #[test]
    fn the_office_contact_is_the_nearest_one_given() {
        let s = snapshot();
        let contact = s.office_contact("xinan-tieshan-dongcun").unwrap();
        assert_eq!(contact.get(crate::i18n::Lang::Zh), "county office", "blank contacts are skipped");
        assert_eq!(s.office_contact("qianshan"), None);
    }

    #[test]
    fn calendars_and_reminder_plans_resolve_down_the_chain() {
        let s = snapshot();
        let schedules = |keys: &[&str]| -> Vec<RegionSchedule> {
            keys.iter().map(|k| s.node(k).unwrap().schedule.clone()).collect()
        };
        let village = s.calendar("xinan-tieshan-dongcun").unwrap();
        assert_eq!(
            village,
            RegionSchedule::resolve(
                chrono_tz::Asia::Urumqi,
                "north-wheat-maize",
                &schedules(&["xinan", "xinan-tieshan", "xinan-tieshan-dongcun"])
            )
        );
        assert_eq!(village.quiet, "22:00-06:00".parse::<DailyRange>().unwrap(), "inherited from the township");
        let county = s.calendar("xinan").unwrap();
        assert_eq!(
            county,
            RegionSchedule::resolve(chrono_tz::Asia::Shanghai, "north-wheat-maize", &schedules(&["xinan"]))
        );
        assert_ne!(county.busy, village.busy, "the village replaces the seasons");
        assert_eq!(s.calendar("nowhere"), None);

        let plan = s.reminder_plan("xinan-tieshan-dongcun");
        assert_eq!(plan, ReminderPlan { evening_at: None, hours_before: None });
        let plan = s.reminder_plan("xinan");
        assert_eq!(plan, ReminderPlan { evening_at: chrono::NaiveTime::from_hms_opt(20, 0, 0), hours_before: Some(2) });
        assert_eq!(s.reminder_plan("nowhere"), ReminderPlan::default());
    }

    #[test]
    fn classes_and_sessions_come_in_catalogue_and_time_order() {
        let s = snapshot();
        let near: Vec<i64> = s.sessions_of_class("near").map(|s| s.id).collect();
        assert_eq!(near, [2, 1], "time order, cancelled ones included");
        assert_eq!(s.session(3).unwrap().class_key, "far");
        assert!(s.session(99).is_none());
        assert_eq!(s.class("near").unwrap().course_key, "mushroom");
        assert_eq!(s.classes_of_course("tea").map(|c| c.key.as_str()).collect::<Vec<_>>(), ["far"]);
        assert_eq!(s.classes_of_course("nothing").count(), 0);
        assert_eq!(s.version(), 7);
    }

    #[test]
    fn offered_courses_need_an_open_class_ahead_in_the_county() {
        let s = snapshot();
        let titles = |courses: Vec<Course>| courses.into_iter().map(|c| c.key).collect::<Vec<_>>();
        let before = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        assert_eq!(titles(s.offered_courses(Audience::Villager, before, None)), ["mushroom", "tea"]);
        assert_eq!(titles(s.offered_courses(Audience::Villager, before, Some("xinan"))), ["mushroom"]);
        assert_eq!(titles(s.offered_courses(Audience::Villager, before, Some(""))), ["mushroom", "tea"]);
        assert!(s.offered_courses(Audience::Cadre, before, None).is_empty());
        // The cancelled session on the 8th does not count: the first scheduled one is on the 9th.
        let on_the_8th = Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).unwrap();
        assert_eq!(titles(s.offered_courses(Audience::Villager, on_the_8th, Some("xinan"))), ["mushroom"]);
        let on_the_9th = Utc.with_ymd_and_hms(2026, 12, 9, 1, 0, 0).unwrap();
        assert!(s.offered_courses(Audience::Villager, on_the_9th, Some("xinan")).is_empty());
    }
}

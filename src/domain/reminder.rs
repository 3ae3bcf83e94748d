//! When to remind a person of a session: the evening before at a set time and some hours before
//! (per region, inherited down the tree). These are the *planned* instants; the send-window gate then
//! moves each one earlier where it would fall in quiet hours or busy-season working hours.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    /// The evening before the session day.
    Evening,
    /// A few hours before the start.
    Before,
}

impl Which {
    pub fn as_str(self) -> &'static str {
        match self {
            Which::Evening => "evening",
            Which::Before => "before",
        }
    }
}

/// A region's reminder settings; `None` switches one reminder off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPlan {
    pub evening_at: Option<NaiveTime>,
    pub hours_before: Option<u32>,
}

impl Default for ReminderPlan {
    fn default() -> Self {
        ReminderPlan { evening_at: NaiveTime::from_hms_opt(19, 30, 0), hours_before: Some(2) }
    }
}

/// Two reminders closer than this after the gate has timed them are one too many: the later is
/// dropped (a 07:00 reminder moved out of the night lands right after the evening one).
pub const MIN_GAP: Duration = Duration::hours(3);

impl ReminderPlan {
    /// Settings along a region's ancestry, county first (`None` = as the parent). Values: an evening
    /// time `HH:MM` or `off`; hours before, 0 = off.
    pub fn resolve(top_down: &[(Option<String>, Option<i64>)]) -> ReminderPlan {
        let mut plan = ReminderPlan::default();
        for (evening, hours) in top_down {
            if let Some(e) = evening {
                plan.evening_at = if e == "off" { None } else { NaiveTime::parse_from_str(e, "%H:%M").ok() };
            }
            if let Some(h) = hours {
                plan.hours_before = u32::try_from(*h).ok().filter(|h| *h > 0);
            }
        }
        plan
    }

    /// The planned instants for a session starting at `start` in zone `tz`, earliest first.
    pub fn instants(&self, tz: chrono_tz::Tz, start: DateTime<Utc>) -> Vec<(Which, DateTime<Utc>)> {
        let mut out = Vec::new();
        if let Some(at) = self.evening_at {
            let day_before = start.with_timezone(&tz).date_naive().pred_opt();
            if let Some(local) = day_before.and_then(|d| tz.from_local_datetime(&d.and_time(at)).earliest()) {
                out.push((Which::Evening, local.to_utc()));
            }
        }
        if let Some(hours) = self.hours_before {
            out.push((Which::Before, start - Duration::hours(i64::from(hours))));
        }
        out.sort_by_key(|(_, t)| *t);
        out
    }
}

/// Whether a setting from a catalogue is valid: `HH:MM` or `off`.
pub fn is_valid_evening(value: &str) -> bool {
    value == "off" || (value.len() == 5 && NaiveTime::parse_from_str(value, "%H:%M").is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beijing(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}+08:00")).unwrap().to_utc()
    }

    #[test]
    fn by_default_the_evening_before_and_two_hours_before() {
        let plan = ReminderPlan::default();
        let got = plan.instants(chrono_tz::Asia::Shanghai, beijing("2026-12-12T09:00:00"));
        assert_eq!(
            got,
            vec![(Which::Evening, beijing("2026-12-11T19:30:00")), (Which::Before, beijing("2026-12-12T07:00:00"))]
        );
    }

    #[test]
    fn regions_override_down_the_tree_and_can_switch_reminders_off() {
        let plan = ReminderPlan::resolve(&[(Some("20:00".into()), None), (None, Some(0))]);
        assert_eq!(plan.evening_at, NaiveTime::from_hms_opt(20, 0, 0));
        assert_eq!(plan.hours_before, None);
        let plan = ReminderPlan::resolve(&[(Some("off".into()), Some(3))]);
        let got = plan.instants(chrono_tz::Asia::Shanghai, beijing("2026-12-12T14:00:00"));
        assert_eq!(got, vec![(Which::Before, beijing("2026-12-12T11:00:00"))]);
        assert!(is_valid_evening("19:30") && is_valid_evening("off"));
        assert!(!is_valid_evening("7pm") && !is_valid_evening("9:30"));
    }
}

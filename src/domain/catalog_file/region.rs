//! A `[[region]]` entry: a county, township or village with its calendar, reminders and contact.

use super::{Checker, MAX_CONTACT_CHARS, RegionToml, quoted};
use crate::domain::calendar;
use crate::domain::catalog::{BusyMode, RegionEntry, RegionSchedule};
use crate::domain::region::RegionLevel;

/// Checks one region on its own; `sort_order` is its place in the file. Returns the entry and the
/// span its level is resolved at (its `parent`, else its key).
pub(super) fn check(c: &mut Checker<'_>, r: &RegionToml, sort_order: i64) -> (RegionEntry, std::ops::Range<usize>) {
    let item = quoted("region", r.key.get_ref());
    c.key(&r.key, &item);
    c.text(&r.name, &item, "name", 40);
    if let Some(tz) = &r.timezone
        && tz.get_ref().parse::<chrono_tz::Tz>().is_err()
    {
        c.report(&tz.span(), &item, "timezone", "is not an IANA time zone (example: Asia/Shanghai)");
    }
    if let Some(zone) = &r.zone
        && !calendar::is_known_zone(zone.get_ref())
    {
        c.report(
            &zone.span(),
            &item,
            "zone",
            format!("is not an agricultural zone; one of: {}", calendar::ZONE_KEYS.join(", ")),
        );
    }
    let busy_mode = match &r.busy_mode {
        None => BusyMode::Add,
        Some(m) => BusyMode::parse(m.get_ref()).unwrap_or_else(|| {
            c.report(&m.span(), &item, "busy_mode", "must be \"add\" or \"replace\"");
            BusyMode::Add
        }),
    };
    if r.busy_windows.as_ref().is_some_and(|w| w.is_empty()) {
        c.report(&r.key.span(), &item, "busy_windows", "must list at least one window, or be left out");
    }
    if let Some(e) = &r.remind_evening_at
        && !crate::domain::reminder::is_valid_evening(e.get_ref())
    {
        c.report(&e.span(), &item, "remind_evening_at", "write HH:MM or \"off\" (example: 19:30)");
    }
    if let Some(h) = &r.remind_hours_before
        && !(0..=48).contains(h.get_ref())
    {
        c.report(&h.span(), &item, "remind_hours_before", "must be 0-48 hours (0 = no such reminder)");
    }
    let level = match &r.parent {
        None => RegionLevel::County,
        // The real level comes from the parent, resolved with storage in `write`.
        Some(_) => RegionLevel::Township,
    };
    if r.parent.is_none() && r.zone.is_none() {
        c.report(&r.key.span(), &item, "zone", "a county must name its agricultural zone");
    }
    if let Some(contact) = &r.contact {
        c.text(contact, &item, "contact", MAX_CONTACT_CHARS);
    }
    let mut tr = c.translations(
        &r.tr,
        &r.key.span(),
        &item,
        &[("name", 80, false), ("contact", 2 * MAX_CONTACT_CHARS, false)],
        0,
    );
    tr.add_if_missing("en", "name", r.name_en.as_deref());
    (
        RegionEntry {
            key: r.key.get_ref().clone(),
            parent_key: r.parent.as_ref().map(|p| p.get_ref().clone()),
            level,
            name: r.name.get_ref().trim().to_owned(),
            tr,
            own_timezone: r.timezone.as_ref().map(|t| t.get_ref().clone()),
            own_zone: r.zone.as_ref().map(|z| z.get_ref().clone()),
            schedule: RegionSchedule {
                busy: r.busy.clone(),
                busy_mode,
                quiet_hours: r.quiet_hours,
                busy_windows: r.busy_windows.clone(),
            },
            remind_evening_at: r.remind_evening_at.as_ref().map(|e| e.get_ref().clone()),
            remind_hours_before: r.remind_hours_before.as_ref().map(|h| *h.get_ref()),
            contact: r.contact.as_ref().map(|c| c.get_ref().trim().to_owned()),
            sort_order,
        },
        r.parent.as_ref().map(|p| p.span()).unwrap_or_else(|| r.key.span()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::said;

    const COUNTY: &str = "[[region]]\nkey = \"xinan\"\nname = \"新安县\"\nzone = \"north-wheat-maize\"\n";

    #[test]
    fn a_county_with_its_zone_is_clean() {
        assert_eq!(said(COUNTY), Vec::<String>::new());
    }

    #[test]
    fn each_field_of_a_region_is_checked_on_its_own() {
        let county_without_zone = "[[region]]\nkey = \"a\"\nname = \"甲县\"\n";
        assert_eq!(said(county_without_zone), vec!["region \"a\": zone"]);
        let township = "[[region]]\nkey = \"a-b\"\nname = \"乙镇\"\nparent = \"a\"\n";
        assert_eq!(said(township), Vec::<String>::new(), "a township takes its zone from above");
        for (field, value) in [
            ("timezone", "\"Mars/Olympus\""),
            ("zone", "\"tundra\""),
            ("busy_mode", "\"sometimes\""),
            ("remind_evening_at", "\"25:99\""),
            ("remind_hours_before", "49"),
            ("busy_windows", "[]"),
        ] {
            let text = if field == "zone" {
                COUNTY.replace("\"north-wheat-maize\"", value)
            } else {
                format!("{COUNTY}{field} = {value}\n")
            };
            assert_eq!(said(&text), vec![format!("region \"xinan\": {field}")], "{field} = {value}");
        }
        let long_contact = format!("{COUNTY}contact = \"{}\"\n", "电".repeat(super::MAX_CONTACT_CHARS + 1));
        assert_eq!(said(&long_contact), vec!["region \"xinan\": contact"]);
    }
}

//! Who sees what: the one rule every report, export, broadcast target, roster or attendance button,
//! approval and order action goes through.
//!
//! - a coordinator sees their region's people: the granted region and everything below it (a grant
//!   with an empty region key is everywhere);
//! - a trainer sees the people of their own classes (the classes of the courses their trainer link
//!   names in the catalogue);
//! - everyone sees their own things (orders, surveys, quiz attempts, broadcasts they sent);
//! - admins decide approvals where no coordinator can and run the admin commands.
//!
//! The function is pure: callers look up the facts (the region chain of a class, the owner of an
//! order, the trainer of a course) and pass them in, so the rule itself is tested without storage.

use crate::domain::person::{Role, RoleGrant};

/// Who is asking: a registered person with their role grants and, for trainers, the catalogue
/// trainer their account is linked to.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: i64,
    pub grants: &'a [RoleGrant],
    pub trainer_key: Option<&'a str>,
}

/// What is asked for, with the facts that decide it.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A role command (`/report`, `/checkin`, `/parked`…): only holders of the role.
    Command(Role),
    /// A region's people (a report, outcome figures, an export, a broadcast to it). `chain` is the
    /// region's key and its ancestors' keys, nearest first; empty when the region does not exist.
    Region { chain: &'a [String] },
    /// A class's people as the teacher sees them (roster, check-in, attendance marks, practical
    /// checks): only the trainer of the class's course.
    Teaching { trainer_key: &'a str },
    /// A class's people as anyone responsible for them sees them (a broadcast to the class): its
    /// trainer, or a coordinator of its region.
    Class { trainer_key: &'a str, chain: &'a [String] },
    /// A decision for a class (approve or reject an order, a late cancellation): a coordinator up
    /// its region chain, or an admin.
    Decision { chain: &'a [String] },
    /// One person's own thing (an order, a survey, a quiz attempt, a broadcast they sent).
    Own { owner: i64 },
}

/// Why not. Every refusal is answered the same way (whether or not the thing exists); the reason is
/// for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor lacks the role the target needs.
    NoRole,
    /// The actor has the role, but the thing lies outside their region or classes (or does not exist).
    OutOfScope,
    /// Someone else's.
    NotTheirs,
}

impl Actor<'_> {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether one of the coordinator grants covers a region whose chain (itself, then ancestors) is
    /// `chain`. A grant for everywhere (empty key) covers every existing region.
    fn coordinates(&self, chain: &[String]) -> bool {
        !chain.is_empty()
            && self
                .grants
                .iter()
                .filter(|g| g.role == Role::Coordinator)
                .any(|g| g.region_key.is_empty() || chain.contains(&g.region_key))
    }

    fn teaches(&self, trainer_key: &str) -> bool {
        self.has(Role::Trainer) && !trainer_key.is_empty() && self.trainer_key == Some(trainer_key)
    }
}

/// May `actor` reach `target`?
pub fn may(actor: &Actor, target: &Target) -> Result<(), Refusal> {
    let allowed = |yes: bool, role_held: bool| match (yes, role_held) {
        (true, _) => Ok(()),
        (false, true) => Err(Refusal::OutOfScope),
        (false, false) => Err(Refusal::NoRole),
    };
    match *target {
        Target::Command(role) => allowed(actor.has(role), false),
        Target::Region { chain } => allowed(actor.coordinates(chain), actor.has(Role::Coordinator)),
        Target::Teaching { trainer_key } => allowed(actor.teaches(trainer_key), actor.has(Role::Trainer)),
        Target::Class { trainer_key, chain } => allowed(
            actor.teaches(trainer_key) || actor.coordinates(chain),
            actor.has(Role::Trainer) || actor.has(Role::Coordinator),
        ),
        Target::Decision { chain } => {
            allowed(actor.has(Role::Admin) || actor.coordinates(chain), actor.has(Role::Coordinator))
        }
        Target::Own { owner } if owner == actor.user_id => Ok(()),
        Target::Own { .. } => Err(Refusal::NotTheirs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, region: &str) -> RoleGrant {
        RoleGrant { role, region_key: region.to_owned() }
    }

    fn chain(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    const VILLAGER: i64 = 1;

    #[test]
    fn a_villager_reaches_only_their_own_things() {
        let villager = Actor { user_id: VILLAGER, grants: &[], trainer_key: None };
        assert_eq!(may(&villager, &Target::Own { owner: VILLAGER }), Ok(()));
        assert_eq!(may(&villager, &Target::Own { owner: 2 }), Err(Refusal::NotTheirs));
        let xinan_village = chain(&["xiaocun", "chengguan", "xinan"]);
        assert_eq!(may(&villager, &Target::Region { chain: &xinan_village }), Err(Refusal::NoRole));
        assert_eq!(may(&villager, &Target::Teaching { trainer_key: "wang" }), Err(Refusal::NoRole));
        assert_eq!(may(&villager, &Target::Decision { chain: &xinan_village }), Err(Refusal::NoRole));
        for role in [Role::Trainer, Role::Coordinator, Role::Admin] {
            assert_eq!(may(&villager, &Target::Command(role)), Err(Refusal::NoRole));
        }
    }

    #[test]
    fn a_county_coordinator_sees_their_county_and_below_and_nothing_beside_or_above() {
        let grants = [grant(Role::Coordinator, "xinan")];
        let coordinator = Actor { user_id: 5, grants: &grants, trainer_key: None };
        let county = chain(&["xinan", "luoyang"]);
        let village = chain(&["xiaocun", "chengguan", "xinan", "luoyang"]);
        let other_county = chain(&["yiyang", "luoyang"]);
        let prefecture = chain(&["luoyang"]);
        assert_eq!(may(&coordinator, &Target::Region { chain: &county }), Ok(()));
        assert_eq!(may(&coordinator, &Target::Region { chain: &village }), Ok(()));
        assert_eq!(may(&coordinator, &Target::Region { chain: &other_county }), Err(Refusal::OutOfScope));
        assert_eq!(may(&coordinator, &Target::Region { chain: &prefecture }), Err(Refusal::OutOfScope));
        // A region that does not exist has no chain: refused like one outside the grant.
        assert_eq!(may(&coordinator, &Target::Region { chain: &[] }), Err(Refusal::OutOfScope));
        assert_eq!(may(&coordinator, &Target::Decision { chain: &village }), Ok(()));
        assert_eq!(may(&coordinator, &Target::Decision { chain: &other_county }), Err(Refusal::OutOfScope));
        assert_eq!(may(&coordinator, &Target::Class { trainer_key: "wang", chain: &village }), Ok(()));
        assert_eq!(
            may(&coordinator, &Target::Class { trainer_key: "wang", chain: &other_county }),
            Err(Refusal::OutOfScope)
        );
        // Rosters and marks are the teacher's.
        assert_eq!(may(&coordinator, &Target::Teaching { trainer_key: "wang" }), Err(Refusal::NoRole));
        assert_eq!(may(&coordinator, &Target::Command(Role::Coordinator)), Ok(()));
        assert_eq!(may(&coordinator, &Target::Command(Role::Admin)), Err(Refusal::NoRole));
    }

    #[test]
    fn a_grant_for_everywhere_covers_every_existing_region() {
        let grants = [grant(Role::Coordinator, "")];
        let province = Actor { user_id: 5, grants: &grants, trainer_key: None };
        assert_eq!(may(&province, &Target::Region { chain: &chain(&["yiyang"]) }), Ok(()));
        assert_eq!(may(&province, &Target::Region { chain: &[] }), Err(Refusal::OutOfScope));
    }

    #[test]
    fn a_trainer_reaches_only_the_classes_of_their_own_courses() {
        let grants = [grant(Role::Trainer, "")];
        let trainer = Actor { user_id: 7, grants: &grants, trainer_key: Some("wang") };
        let village = chain(&["xiaocun", "xinan"]);
        assert_eq!(may(&trainer, &Target::Teaching { trainer_key: "wang" }), Ok(()));
        assert_eq!(may(&trainer, &Target::Teaching { trainer_key: "li" }), Err(Refusal::OutOfScope));
        assert_eq!(may(&trainer, &Target::Teaching { trainer_key: "" }), Err(Refusal::OutOfScope));
        assert_eq!(may(&trainer, &Target::Class { trainer_key: "wang", chain: &village }), Ok(()));
        assert_eq!(may(&trainer, &Target::Class { trainer_key: "li", chain: &village }), Err(Refusal::OutOfScope));
        assert_eq!(may(&trainer, &Target::Region { chain: &village }), Err(Refusal::NoRole));
        assert_eq!(may(&trainer, &Target::Decision { chain: &village }), Err(Refusal::NoRole));
        assert_eq!(may(&trainer, &Target::Command(Role::Trainer)), Ok(()));
    }

    #[test]
    fn a_trainer_link_without_the_role_teaches_nothing() {
        // The role was removed; the catalogue link stayed.
        let trainer = Actor { user_id: 7, grants: &[], trainer_key: Some("wang") };
        assert_eq!(may(&trainer, &Target::Teaching { trainer_key: "wang" }), Err(Refusal::NoRole));
    }

    #[test]
    fn an_admin_decides_anywhere_but_sees_no_region_without_a_coordinator_grant() {
        let grants = [grant(Role::Admin, "")];
        let admin = Actor { user_id: 9, grants: &grants, trainer_key: None };
        let village = chain(&["xiaocun", "xinan"]);
        assert_eq!(may(&admin, &Target::Decision { chain: &village }), Ok(()));
        assert_eq!(may(&admin, &Target::Command(Role::Admin)), Ok(()));
        assert_eq!(may(&admin, &Target::Region { chain: &village }), Err(Refusal::NoRole));
        assert_eq!(may(&admin, &Target::Own { owner: VILLAGER }), Err(Refusal::NotTheirs));
    }
}

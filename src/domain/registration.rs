//! Registration on `/start` as a pure state machine: consent → audience → name → county →
//! township → village → phone. Staff who open an invite link (`/start <token>`) register with what
//! staff need: consent → name → phone; their role (and a coordinator's region) comes from the invite
//! and is granted with the registration, and they are not asked villager or cadre. `step` never
//! touches storage; the handler resolves a tapped region key to a [`Region`] before calling it, and
//! saves whatever comes out.

use serde::{Deserialize, Serialize};

use crate::domain::job::WorkIntent;
use crate::domain::person::{Audience, NameError, PersonName, Phone, RoleGrant};
use crate::domain::region::{Region, RegionLevel};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub lang: Lang,
    pub step: RegStep,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegStep {
    Consent,
    Audience,
    Name {
        audience: Audience,
    },
    County {
        audience: Audience,
        name: PersonName,
    },
    Township {
        audience: Audience,
        name: PersonName,
        county: String,
    },
    Village {
        audience: Audience,
        name: PersonName,
        county: String,
        township: String,
    },
    Phone {
        audience: Audience,
        name: PersonName,
        village: String,
    },
    /// Villagers only, after the phone: their work intent (就业意向), or skip (left unasked).
    Intent {
        audience: Audience,
        name: PersonName,
        village: String,
        phone: Option<Phone>,
    },
    /// Staff (through an invite): the consent, then name and phone.
    StaffConsent {
        invite: StaffInvite,
    },
    StaffName {
        invite: StaffInvite,
    },
    StaffPhone {
        invite: StaffInvite,
        name: PersonName,
    },
}

/// The invite a new staff member opened: what registering grants them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvite {
    pub token: String,
    pub grant: RoleGrant,
    /// The catalogue trainer a trainer invite names.
    pub trainer_key: Option<String>,
}

/// What the person did, already decoded from Telegram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    Lang(Lang),
    Consent(bool),
    Audience(Audience),
    Region(Region),
    Back,
    Contact(Phone),
    SkipPhone,
    /// A work-intent button, or 跳过 (`None`).
    Intent(Option<WorkIntent>),
    /// A sticker, photo, voice note, location… where none is expected.
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Name(NameError),
    /// Typed text where a button choice is needed.
    UseButtons,
    /// A photo, sticker or voice note where text is needed.
    NeedText,
    /// A button from an old message.
    Stale,
    /// Typed text where the contact button (or skip) is needed.
    UseContactButton,
}

/// The finished registration, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub lang: Lang,
    pub audience: Audience,
    pub name: PersonName,
    pub village_key: String,
    pub phone: Option<Phone>,
    /// 就业意向: asked of villagers; `None` when skipped (or a cadre, who is not asked).
    pub work_intent: Option<WorkIntent>,
}

/// A finished staff registration: stored with the invite's role in one transaction, no village and no
/// audience (they choose one in settings if they want to take courses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    pub lang: Lang,
    pub name: PersonName,
    pub phone: Option<Phone>,
    pub invite: StaffInvite,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Moved to (or re-rendered) a step: ask its question.
    Ask(Registration),
    /// Stay where we are and say why.
    Reask(Registration, Problem),
    /// The person declined consent: nothing is kept.
    Declined,
    Finished(NewPerson),
    FinishedStaff(NewStaff),
}

impl Registration {
    pub fn start(lang: Lang) -> Registration {
        Registration { lang, step: RegStep::Consent }
    }

    /// Staff opening an invite: the consent comes first; nothing is granted before it.
    pub fn start_staff(lang: Lang, invite: StaffInvite) -> Registration {
        Registration { lang, step: RegStep::StaffConsent { invite } }
    }

    /// The invite this registration grants, for staff.
    pub fn invite(&self) -> Option<&StaffInvite> {
        match &self.step {
            RegStep::StaffConsent { invite } | RegStep::StaffName { invite } | RegStep::StaffPhone { invite, .. } => {
                Some(invite)
            }
            _ => None,
        }
    }

    fn at(&self, step: RegStep) -> Outcome {
        Outcome::Ask(Registration { lang: self.lang, step })
    }

    fn reask(self, problem: Problem) -> Outcome {
        Outcome::Reask(self, problem)
    }

    /// The region level this step asks for, if it is a region step.
    pub fn region_level(&self) -> Option<RegionLevel> {
        match self.step {
            RegStep::County { .. } => Some(RegionLevel::County),
            RegStep::Township { .. } => Some(RegionLevel::Township),
            RegStep::Village { .. } => Some(RegionLevel::Village),
            _ => None,
        }
    }

    /// The parent whose children the current region step lists (`None` for counties).
    pub fn region_parent(&self) -> Option<&str> {
        match &self.step {
            RegStep::Township { county, .. } => Some(county),
            RegStep::Village { township, .. } => Some(township),
            _ => None,
        }
    }

    /// After the phone: villagers are asked their work intent, cadres are done.
    fn after_phone(&self, audience: Audience, name: PersonName, village: String, phone: Option<Phone>) -> Outcome {
        match audience {
            Audience::Villager => self.at(RegStep::Intent { audience, name, village, phone }),
            _ => Outcome::Finished(NewPerson {
                lang: self.lang,
                audience,
                name,
                village_key: village,
                phone,
                work_intent: None,
            }),
        }
    }

    pub fn step(self, input: Input) -> Outcome {
        use RegStep as S;
        match (self.step.clone(), input) {
            // Language can be switched while reading the consent text.
            (S::Consent, Input::Lang(lang)) => Outcome::Ask(Registration { lang, step: S::Consent }),
            (S::Consent, Input::Consent(true)) => self.at(S::Audience),
            (S::Consent, Input::Consent(false)) => Outcome::Declined,

            (S::Audience, Input::Audience(audience)) => self.at(S::Name { audience }),
            (S::Audience, Input::Back) => self.at(S::Consent),

            (S::Name { audience }, Input::Text(text)) => match PersonName::parse(&text) {
                Ok(name) => self.at(S::County { audience, name }),
                Err(e) => self.reask(Problem::Name(e)),
            },
            (S::Name { .. }, Input::Back) => self.at(S::Audience),
            (S::Name { .. }, Input::Unsupported) => self.reask(Problem::NeedText),

            (S::County { audience, name }, Input::Region(r)) if r.level == RegionLevel::County => {
                self.at(S::Township { audience, name, county: r.key })
            }
            (S::County { audience, .. }, Input::Back) => self.at(S::Name { audience }),

            (S::Township { audience, name, county }, Input::Region(r))
                if r.level == RegionLevel::Township && r.parent_key.as_deref() == Some(&county) =>
            {
                self.at(S::Village { audience, name, county, township: r.key })
            }
            (S::Township { audience, name, .. }, Input::Back) => self.at(S::County { audience, name }),

            (S::Village { audience, name, township, .. }, Input::Region(r))
                if r.level == RegionLevel::Village && r.parent_key.as_deref() == Some(&township) =>
            {
                self.at(S::Phone { audience, name, village: r.key })
            }
            (S::Village { audience, name, county, .. }, Input::Back) => self.at(S::Township { audience, name, county }),

            (S::Phone { audience, name, village }, Input::Contact(phone)) => {
                self.after_phone(audience, name, village, Some(phone))
            }
            (S::Phone { audience, name, village }, Input::SkipPhone) => self.after_phone(audience, name, village, None),
            (S::Phone { .. }, Input::Text(_) | Input::Unsupported) => self.reask(Problem::UseContactButton),

            (S::Intent { audience, name, village, phone }, Input::Intent(work_intent)) => {
                Outcome::Finished(NewPerson {
                    lang: self.lang,
                    audience,
                    name,
                    village_key: village,
                    phone,
                    work_intent,
                })
            }
            // A typed 跳过 (the phone step's reply keyboard may still show it) skips the question too.
            (S::Intent { audience, name, village, phone }, Input::SkipPhone) => Outcome::Finished(NewPerson {
                lang: self.lang,
                audience,
                name,
                village_key: village,
                phone,
                work_intent: None,
            }),
            (S::Intent { .. }, Input::Text(_) | Input::Unsupported | Input::Contact(_)) => {
                self.reask(Problem::UseButtons)
            }

            (S::StaffConsent { invite }, Input::Lang(lang)) => {
                Outcome::Ask(Registration { lang, step: S::StaffConsent { invite } })
            }
            (S::StaffConsent { invite }, Input::Consent(true)) => self.at(S::StaffName { invite }),
            (S::StaffConsent { .. }, Input::Consent(false)) => Outcome::Declined,

            (S::StaffName { invite }, Input::Text(text)) => match PersonName::parse(&text) {
                Ok(name) => self.at(S::StaffPhone { invite, name }),
                Err(e) => self.reask(Problem::Name(e)),
            },
            (S::StaffName { invite }, Input::Back) => self.at(S::StaffConsent { invite }),
            (S::StaffName { .. }, Input::Unsupported) => self.reask(Problem::NeedText),

            (S::StaffPhone { invite, name }, Input::Contact(phone)) => {
                Outcome::FinishedStaff(NewStaff { lang: self.lang, name, phone: Some(phone), invite })
            }
            (S::StaffPhone { invite, name }, Input::SkipPhone) => {
                Outcome::FinishedStaff(NewStaff { lang: self.lang, name, phone: None, invite })
            }
            (S::StaffPhone { .. }, Input::Text(_) | Input::Unsupported) => self.reask(Problem::UseContactButton),

            // Typed text or a sticker on a button step: point at the buttons.
            (_, Input::Text(_) | Input::Unsupported) => self.reask(Problem::UseButtons),
            // Any other button does not belong to this step: it is from an old message.
            _ => self.reask(Problem::Stale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(key: &str, parent: Option<&str>, level: RegionLevel) -> Region {
        Region {
            key: key.into(),
            parent_key: parent.map(Into::into),
            level,
            name: key.into(),
            tr: Default::default(),
            timezone: "Asia/Shanghai".into(),
            agri_zone: "north-wheat-maize".into(),
        }
    }

    fn ask(outcome: Outcome) -> Registration {
        match outcome {
            Outcome::Ask(r) => r,
            other => panic!("expected Ask, got {other:?}"),
        }
    }

    fn walk_to_village() -> Registration {
        let r = Registration::start(Lang::Zh);
        let r = ask(r.step(Input::Consent(true)));
        let r = ask(r.step(Input::Audience(Audience::Villager)));
        let r = ask(r.step(Input::Text("王秀英".into())));
        let r = ask(r.step(Input::Region(region("xin", None, RegionLevel::County))));
        ask(r.step(Input::Region(region("xin-a", Some("xin"), RegionLevel::Township))))
    }

    #[test]
    fn a_whole_registration_produces_the_person() {
        let r = walk_to_village();
        let r = ask(r.step(Input::Region(region("xin-a-1", Some("xin-a"), RegionLevel::Village))));
        assert!(matches!(r.step, RegStep::Phone { .. }));
        let r = ask(r.step(Input::Contact(Phone::parse("8613800000000").unwrap())));
        assert!(matches!(r.step, RegStep::Intent { .. }), "a villager is asked the work intent after the phone");
        assert_eq!(r.clone().step(Input::Text("打工".into())), Outcome::Reask(r.clone(), Problem::UseButtons));
        let done = r.step(Input::Intent(Some(WorkIntent::Migrant)));
        assert_eq!(
            done,
            Outcome::Finished(NewPerson {
                lang: Lang::Zh,
                audience: Audience::Villager,
                name: PersonName::parse("王秀英").unwrap(),
                village_key: "xin-a-1".into(),
                phone: Phone::parse("+8613800000000"),
                work_intent: Some(WorkIntent::Migrant),
            })
        );
    }

    #[test]
    fn declining_consent_keeps_nothing() {
        assert_eq!(Registration::start(Lang::En).step(Input::Consent(false)), Outcome::Declined);
    }

    #[test]
    fn language_can_be_switched_on_the_consent_screen() {
        let r = ask(Registration::start(Lang::Zh).step(Input::Lang(Lang::En)));
        assert_eq!(r, Registration { lang: Lang::En, step: RegStep::Consent });
    }

    #[test]
    fn a_bad_name_is_asked_again_with_the_reason() {
        let r = ask(Registration::start(Lang::Zh).step(Input::Consent(true)));
        let r = ask(r.step(Input::Audience(Audience::Cadre)));
        let before = r.clone();
        assert_eq!(
            r.step(Input::Text("123".into())),
            Outcome::Reask(before.clone(), Problem::Name(NameError::BadCharacter))
        );
        assert_eq!(before.clone().step(Input::Unsupported), Outcome::Reask(before, Problem::NeedText));
    }

    #[test]
    fn a_village_of_another_township_is_treated_as_a_stale_button() {
        let r = walk_to_village();
        let other = region("old-b-1", Some("old-b"), RegionLevel::Village);
        assert_eq!(r.clone().step(Input::Region(other)), Outcome::Reask(r, Problem::Stale));
    }

    #[test]
    fn buttons_from_earlier_steps_change_nothing() {
        let r = walk_to_village();
        assert_eq!(r.clone().step(Input::Consent(true)), Outcome::Reask(r.clone(), Problem::Stale));
        assert_eq!(r.clone().step(Input::Audience(Audience::Cadre)), Outcome::Reask(r, Problem::Stale));
    }

    #[test]
    fn typing_on_a_button_step_points_at_the_buttons() {
        let r = walk_to_village();
        assert_eq!(r.clone().step(Input::Text("李庄".into())), Outcome::Reask(r, Problem::UseButtons));
    }

    #[test]
    fn back_goes_one_step_up_the_region_tree() {
        let r = walk_to_village();
        let up = ask(r.step(Input::Back));
        assert!(matches!(up.step, RegStep::Township { ref county, .. } if county == "xin"));
    }

    fn staff_invite() -> StaffInvite {
        StaffInvite {
            token: "t".repeat(24),
            grant: RoleGrant { role: crate::domain::person::Role::Trainer, region_key: String::new() },
            trainer_key: Some("wang-lixin".into()),
        }
    }

    #[test]
    fn staff_register_with_consent_name_and_phone_and_no_audience_question() {
        let r = Registration::start_staff(Lang::Zh, staff_invite());
        assert_eq!(r.invite(), Some(&staff_invite()));
        // Nothing but the consent (or the language) moves the first step.
        assert_eq!(r.clone().step(Input::Audience(Audience::Villager)), Outcome::Reask(r.clone(), Problem::Stale));
        let en = ask(r.clone().step(Input::Lang(Lang::En)));
        assert!(matches!(en.step, RegStep::StaffConsent { .. }) && en.lang == Lang::En);
        let r = ask(r.step(Input::Consent(true)));
        assert!(matches!(r.step, RegStep::StaffName { .. }), "{r:?}");
        let back = ask(r.clone().step(Input::Back));
        assert!(matches!(back.step, RegStep::StaffConsent { .. }));
        assert!(matches!(r.clone().step(Input::Text("123".into())), Outcome::Reask(_, Problem::Name(_))));
        let r = ask(r.step(Input::Text("张 老师".into())));
        assert!(matches!(r.step, RegStep::StaffPhone { .. }));
        assert_eq!(r.clone().step(Input::Text("138".into())), Outcome::Reask(r.clone(), Problem::UseContactButton));
        assert_eq!(
            r.step(Input::SkipPhone),
            Outcome::FinishedStaff(NewStaff {
                lang: Lang::Zh,
                name: PersonName::parse("张 老师").unwrap(),
                phone: None,
                invite: staff_invite(),
            })
        );
    }

    #[test]
    fn staff_declining_consent_keeps_nothing() {
        let r = Registration::start_staff(Lang::Zh, staff_invite());
        assert_eq!(r.step(Input::Consent(false)), Outcome::Declined);
    }

    #[test]
    fn phone_step_wants_the_contact_button_or_skip() {
        let r = walk_to_village();
        let r = ask(r.step(Input::Region(region("xin-a-1", Some("xin-a"), RegionLevel::Village))));
        assert_eq!(
            r.clone().step(Input::Text("13800000000".into())),
            Outcome::Reask(r.clone(), Problem::UseContactButton)
        );
        let r = ask(r.step(Input::SkipPhone));
        assert!(matches!(
            r.step(Input::Intent(None)),
            Outcome::Finished(NewPerson { phone: None, work_intent: None, .. })
        ));
    }

    #[test]
    fn a_cadre_is_not_asked_the_work_intent_and_a_typed_skip_skips_it_for_a_villager() {
        let r = Registration::start(Lang::Zh);
        let r = ask(r.step(Input::Consent(true)));
        let r = ask(r.step(Input::Audience(Audience::Cadre)));
        let r = ask(r.step(Input::Text("张书记".into())));
        let r = ask(r.step(Input::Region(region("xin", None, RegionLevel::County))));
        let r = ask(r.step(Input::Region(region("xin-a", Some("xin"), RegionLevel::Township))));
        let r = ask(r.step(Input::Region(region("xin-a-1", Some("xin-a"), RegionLevel::Village))));
        assert!(matches!(r.step(Input::SkipPhone), Outcome::Finished(NewPerson { work_intent: None, .. })));
        let r = walk_to_village();
        let r = ask(r.step(Input::Region(region("xin-a-1", Some("xin-a"), RegionLevel::Village))));
        let r = ask(r.step(Input::SkipPhone));
        assert!(matches!(r.step(Input::SkipPhone), Outcome::Finished(NewPerson { work_intent: None, .. })));
    }
}

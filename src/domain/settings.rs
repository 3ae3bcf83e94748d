//! Settings as a pure state machine: language, name, village, phone, and a pause of non-urgent
//! messages ("暂停两周").

use serde::{Deserialize, Serialize};

use crate::domain::person::{Audience, PersonName, Phone};
use crate::domain::region::{Region, RegionLevel};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsStep {
    Menu,
    Lang,
    Name,
    County,
    Township { county: String },
    Village { township: String },
    Phone,
    Pause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Lang,
    Name,
    Village,
    Phone,
    Pause,
    /// Everything stored about the person (`/mydata`).
    MyData,
    /// Erase everything about the person (`/deleteme`).
    Erase,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Open(Item),
    Text(String),
    Lang(Lang),
    Region(Region),
    Contact(Phone),
    RemovePhone,
    /// Pause for this many days; 0 ends a pause.
    PauseDays(u8),
    /// Coordinators: the one-line message per order on or off.
    InstantLines(bool),
    /// Stop (true) or resume follow-up surveys.
    SurveysStopped(bool),
    /// Staff who registered through an invite: take courses as villager or cadre.
    Audience(Audience),
    Back,
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Lang(Lang),
    Name(PersonName),
    Village(String),
    Phone(Option<Phone>),
    /// Hold non-urgent messages for this many days (0 = resume now).
    Pause(u8),
    InstantLines(bool),
    SurveysStopped(bool),
    Audience(Audience),
}

/// The pause lengths offered (days): a week, two weeks (the usual 暂停两周), a month.
pub const PAUSE_CHOICES: [u8; 3] = [7, 14, 30];

/// The same problems registration reports.
pub use crate::domain::registration::Problem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ask(SettingsStep),
    Reask(SettingsStep, Problem),
    /// Store the change, confirm it, and show the settings menu again.
    Save(Change),
    /// Leave settings.
    Close,
    /// Leave settings and send the person everything stored about them.
    ShowData,
    /// Leave settings and explain erasure (`/deleteme`), asking for confirmation.
    Erase,
}

impl SettingsStep {
    pub fn region_level(&self) -> Option<RegionLevel> {
        match self {
            SettingsStep::County => Some(RegionLevel::County),
            SettingsStep::Township { .. } => Some(RegionLevel::Township),
            SettingsStep::Village { .. } => Some(RegionLevel::Village),
            _ => None,
        }
    }

    pub fn region_parent(&self) -> Option<&str> {
        match self {
            SettingsStep::Township { county } => Some(county),
            SettingsStep::Village { township } => Some(township),
            _ => None,
        }
    }

    pub fn step(self, input: Input) -> Outcome {
        use SettingsStep as S;
        match (self.clone(), input) {
            (S::Menu, Input::Open(Item::Lang)) => Outcome::Ask(S::Lang),
            (S::Menu, Input::Open(Item::Name)) => Outcome::Ask(S::Name),
            (S::Menu, Input::Open(Item::Village)) => Outcome::Ask(S::County),
            (S::Menu, Input::Open(Item::Phone)) => Outcome::Ask(S::Phone),
            (S::Menu, Input::Open(Item::Pause)) => Outcome::Ask(S::Pause),
            (S::Menu, Input::Open(Item::MyData)) => Outcome::ShowData,
            (S::Menu, Input::Open(Item::Erase)) => Outcome::Erase,
            (S::Menu, Input::InstantLines(on)) => Outcome::Save(Change::InstantLines(on)),
            (S::Menu, Input::SurveysStopped(stopped)) => Outcome::Save(Change::SurveysStopped(stopped)),
            (S::Menu, Input::Audience(audience)) => Outcome::Save(Change::Audience(audience)),
            (S::Pause, Input::PauseDays(days)) if days == 0 || PAUSE_CHOICES.contains(&days) => {
                Outcome::Save(Change::Pause(days))
            }
            (S::Menu, Input::Back) => Outcome::Close,

            (S::Lang, Input::Lang(lang)) => Outcome::Save(Change::Lang(lang)),

            (S::Name, Input::Text(text)) => match PersonName::parse(&text) {
                Ok(name) => Outcome::Save(Change::Name(name)),
                Err(e) => Outcome::Reask(self, Problem::Name(e)),
            },
            (S::Name, Input::Unsupported) => Outcome::Reask(self, Problem::NeedText),

            (S::County, Input::Region(r)) if r.level == RegionLevel::County => {
                Outcome::Ask(S::Township { county: r.key })
            }
            (S::Township { county }, Input::Region(r))
                if r.level == RegionLevel::Township && r.parent_key.as_deref() == Some(&county) =>
            {
                Outcome::Ask(S::Village { township: r.key })
            }
            (S::Village { township }, Input::Region(r))
                if r.level == RegionLevel::Village && r.parent_key.as_deref() == Some(&township) =>
            {
                Outcome::Save(Change::Village(r.key))
            }

            (S::Phone, Input::Contact(phone)) => Outcome::Save(Change::Phone(Some(phone))),
            (S::Phone, Input::RemovePhone) => Outcome::Save(Change::Phone(None)),
            (S::Phone, Input::Text(_) | Input::Unsupported) => Outcome::Reask(self, Problem::UseContactButton),

            // Back from any sub-step returns to the settings menu.
            (_, Input::Back) => Outcome::Ask(S::Menu),
            (_, Input::Text(_) | Input::Unsupported) => Outcome::Reask(self, Problem::UseButtons),
            _ => Outcome::Reask(self, Problem::Stale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::NameError;

    fn region(key: &str, parent: Option<&str>, level: RegionLevel) -> Region {
        Region {
            key: key.into(),
            parent_key: parent.map(Into::into),
            level,
            name: key.into(),
            tr: Default::default(),
            timezone: "Asia/Shanghai".into(),
            agri_zone: "yangtze-rice".into(),
        }
    }

    #[test]
    fn a_pause_is_chosen_from_the_offered_lengths_only() {
        assert_eq!(SettingsStep::Menu.step(Input::Open(Item::Pause)), Outcome::Ask(SettingsStep::Pause));
        assert_eq!(SettingsStep::Pause.step(Input::PauseDays(14)), Outcome::Save(Change::Pause(14)));
        assert_eq!(SettingsStep::Pause.step(Input::PauseDays(0)), Outcome::Save(Change::Pause(0)));
        assert_eq!(
            SettingsStep::Pause.step(Input::PauseDays(200)),
            Outcome::Reask(SettingsStep::Pause, Problem::Stale),
            "a forged length"
        );
        assert_eq!(
            SettingsStep::Pause.step(Input::Text("两周".into())),
            Outcome::Reask(SettingsStep::Pause, Problem::UseButtons)
        );
    }

    #[test]
    fn changing_the_name_validates_it() {
        assert_eq!(SettingsStep::Menu.step(Input::Open(Item::Name)), Outcome::Ask(SettingsStep::Name));
        assert_eq!(
            SettingsStep::Name.step(Input::Text("阿依古丽·买买提".into())),
            Outcome::Save(Change::Name(PersonName::parse("阿依古丽·买买提").unwrap()))
        );
        assert_eq!(
            SettingsStep::Name.step(Input::Text("".into())),
            Outcome::Reask(SettingsStep::Name, Problem::Name(NameError::Empty))
        );
    }

    #[test]
    fn moving_village_walks_the_region_tree() {
        let s = SettingsStep::County;
        let Outcome::Ask(s) = s.step(Input::Region(region("c", None, RegionLevel::County))) else { panic!() };
        let Outcome::Ask(s) = s.step(Input::Region(region("t", Some("c"), RegionLevel::Township))) else { panic!() };
        assert_eq!(
            s.clone().step(Input::Region(region("v2", Some("other"), RegionLevel::Village))),
            Outcome::Reask(s.clone(), Problem::Stale)
        );
        assert_eq!(
            s.step(Input::Region(region("v", Some("t"), RegionLevel::Village))),
            Outcome::Save(Change::Village("v".into()))
        );
    }

    #[test]
    fn language_and_phone_changes() {
        assert_eq!(SettingsStep::Lang.step(Input::Lang(Lang::En)), Outcome::Save(Change::Lang(Lang::En)));
        assert_eq!(SettingsStep::Phone.step(Input::RemovePhone), Outcome::Save(Change::Phone(None)));
        assert_eq!(
            SettingsStep::Phone.step(Input::Text("138".into())),
            Outcome::Reask(SettingsStep::Phone, Problem::UseContactButton)
        );
    }

    #[test]
    fn my_data_is_opened_from_the_menu_only() {
        assert_eq!(SettingsStep::Menu.step(Input::Open(Item::MyData)), Outcome::ShowData);
        assert_eq!(
            SettingsStep::Phone.step(Input::Open(Item::MyData)),
            Outcome::Reask(SettingsStep::Phone, Problem::Stale),
            "an old settings menu's button while another step is open"
        );
    }

    #[test]
    fn back_returns_to_the_menu_and_closes_from_it() {
        assert_eq!(SettingsStep::Name.step(Input::Back), Outcome::Ask(SettingsStep::Menu));
        assert_eq!(SettingsStep::Menu.step(Input::Back), Outcome::Close);
        assert_eq!(
            SettingsStep::Lang.step(Input::Open(Item::Name)),
            Outcome::Reask(SettingsStep::Lang, Problem::Stale)
        );
    }
}

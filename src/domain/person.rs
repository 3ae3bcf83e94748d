//! Who people are: audience, roles, and the validated values they type.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Which catalogue a trainee sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Villager,
    Cadre,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Villager => "villager",
            Audience::Cadre => "cadre",
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        match s {
            "villager" => Some(Audience::Villager),
            "cadre" => Some(Audience::Cadre),
            _ => None,
        }
    }
}

/// Roles beyond "trainee", granted only through invites (or by an admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Trainer,
    Coordinator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Trainer => "trainer",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "trainer" => Some(Role::Trainer),
            "coordinator" => Some(Role::Coordinator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A role with its scope: coordinators are bound to a region (and everything below it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    /// Empty = not scoped (trainers, admins).
    pub region_key: String,
}

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: i64,
    pub chat_id: i64,
    pub name: PersonName,
    pub audience: Audience,
    pub lang: Lang,
    pub village_key: Option<String>,
    pub phone: Option<Phone>,
    pub roles: Vec<RoleGrant>,
    /// Takes courses as `audience`. False for staff who registered through an invite and have not
    /// chosen an audience (settings, or the first time they open the courses): `audience` means
    /// nothing for them until then.
    pub trainee: bool,
    /// The version of the consent text they agreed to (see `domain::erasure::CONSENT_VERSION`).
    pub consent_version: i64,
}

impl Person {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }
}

/// A name as the person typed it: 1–30 characters, letters of any script plus the marks real names
/// carry (spaces, hyphens, apostrophes, the middle dot of 阿依古丽·买买提), no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong,
    BadCharacter,
}

impl PersonName {
    pub const MAX_CHARS: usize = 30;

    pub fn parse(input: &str) -> Result<PersonName, NameError> {
        // Collapse runs of whitespace; people paste names with stray spaces.
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        let allowed_mark =
            |c: char| matches!(c, ' ' | '-' | '\'' | '’' | '.' | '·' | '•' | '・' | '‧' | '∙' | '‐' | '‑');
        if !name.chars().any(char::is_alphabetic)
            || !name.chars().all(|c| c.is_alphabetic() || allowed_mark(c) || is_combining_mark(c))
        {
            return Err(NameError::BadCharacter);
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For values read back from storage, which were validated on the way in.
    pub fn from_stored(s: String) -> PersonName {
        PersonName(s)
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_combining_mark(c: char) -> bool {
    // Combining diacritics (e.g. Vietnamese or Uyghur Latin names typed in decomposed form).
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x0610..=0x061A | 0x064B..=0x065F)
}

/// A phone number shared through Telegram's contact button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Telegram sends digits with or without a leading `+`; keep `+` and digits only.
    pub fn parse(input: &str) -> Option<Phone> {
        let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
        if !(5..=15).contains(&digits.len()) {
            return None;
        }
        Some(Phone(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn from_stored(s: String) -> Phone {
        Phone(s)
    }
}

/// Whether a `/start` payload or a button's token looks like a staff invite token at all (anything
/// else is ignored before storage is asked).
pub fn looks_like_invite_token(payload: &str) -> bool {
    payload.len() == 24 && payload.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_every_script_are_accepted_intact() {
        for name in ["王秀英", "阿依古丽·买买提", "Mary-Jane O'Neil", "Nguyễn Văn A", "扎西 顿珠"] {
            assert_eq!(PersonName::parse(name).unwrap().as_str(), name, "{name}");
        }
    }

    #[test]
    fn names_are_trimmed_and_inner_spaces_collapsed() {
        assert_eq!(PersonName::parse("  李   建国 ").unwrap().as_str(), "李 建国");
    }

    #[test]
    fn bad_names_are_refused_with_the_reason() {
        assert_eq!(PersonName::parse("   "), Err(NameError::Empty));
        assert_eq!(PersonName::parse(&"王".repeat(31)), Err(NameError::TooLong));
        assert!(PersonName::parse(&"王".repeat(30)).is_ok());
        assert_eq!(PersonName::parse("abc\u{0007}"), Err(NameError::BadCharacter));
        assert_eq!(PersonName::parse("12345"), Err(NameError::BadCharacter));
        assert_eq!(PersonName::parse("<b>x</b>"), Err(NameError::BadCharacter));
        assert_eq!(PersonName::parse("---"), Err(NameError::BadCharacter));
    }

    #[test]
    fn phones_keep_digits_with_a_plus() {
        assert_eq!(Phone::parse("8613812345678").unwrap().as_str(), "+8613812345678");
        assert_eq!(Phone::parse("+86 138-1234-5678").unwrap().as_str(), "+8613812345678");
        assert!(Phone::parse("12").is_none());
    }
}

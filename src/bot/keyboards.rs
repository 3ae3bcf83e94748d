//! Keyboards, built from locales.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup, KeyboardRemove};

use crate::domain::callback::Cb;
use crate::domain::person::Person;
use crate::domain::region::Region;
use crate::i18n::Lang;
use crate::tr;

pub fn button(text: impl Into<String>, cb: Cb) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), cb.encode())
}

pub fn back_button(lang: Lang) -> InlineKeyboardButton {
    button(tr!(lang, "btn-back"), Cb::Back)
}

/// Region buttons two to a row, then Back.
pub fn regions(lang: Lang, regions: &[Region], with_back: bool) -> InlineKeyboardMarkup {
    let mut rows: Vec<Vec<InlineKeyboardButton>> = regions
        .chunks(2)
        .map(|pair| pair.iter().map(|r| button(r.display_name(lang), Cb::Region(r.key.clone()))).collect())
        .collect();
    if with_back {
        rows.push(vec![back_button(lang)]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// The phone step: Telegram's contact button and Skip, on the reply keyboard.
pub fn share_contact(lang: Lang, skip_label: String) -> KeyboardMarkup {
    KeyboardMarkup::new(vec![
        vec![KeyboardButton::new(tr!(lang, "btn-share-phone")).request(teloxide::types::ButtonRequest::Contact)],
        vec![KeyboardButton::new(skip_label)],
    ])
    .resize_keyboard()
    .one_time_keyboard()
}

/// The sections of the main menu, by what the person can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Browse,
    MyCourses,
    /// 📖 学一课: the next micro-lesson.
    Lesson,
    RequestCourse,
    Help,
    Settings,
    /// 💼 找工作: openings for villagers (appended: the older keys keep their places).
    Jobs,
}

impl MenuItem {
    pub const ALL: [MenuItem; 7] = [
        MenuItem::Browse,
        MenuItem::MyCourses,
        MenuItem::Lesson,
        MenuItem::RequestCourse,
        MenuItem::Help,
        MenuItem::Settings,
        MenuItem::Jobs,
    ];

    pub fn label(self, lang: Lang) -> String {
        match self {
            MenuItem::Browse => tr!(lang, "menu-browse"),
            MenuItem::MyCourses => tr!(lang, "menu-my-courses"),
            MenuItem::Lesson => tr!(lang, "menu-lesson"),
            MenuItem::RequestCourse => tr!(lang, "menu-request"),
            MenuItem::Help => tr!(lang, "menu-help"),
            MenuItem::Settings => tr!(lang, "menu-settings"),
            MenuItem::Jobs => tr!(lang, "menu-jobs"),
        }
    }

    /// A tap on a reply-keyboard button arrives as its text; accept the label in either language
    /// (the person may have switched language with an old keyboard still on screen).
    pub fn from_label(text: &str) -> Option<MenuItem> {
        let text = text.trim();
        MenuItem::ALL.into_iter().find(|item| Lang::ALL.iter().any(|l| item.label(*l) == text))
    }
}

pub fn main_menu(person: &Person) -> KeyboardMarkup {
    let lang = person.lang;
    let key = |item: MenuItem| KeyboardButton::new(item.label(lang));
    // Two to a row, the big tasks first: a cheap phone shows three short rows well.
    let mut rows = vec![
        vec![key(MenuItem::Browse), key(MenuItem::MyCourses)],
        vec![key(MenuItem::Lesson), key(MenuItem::RequestCourse)],
        vec![key(MenuItem::Help), key(MenuItem::Settings)],
    ];
    if crate::bot::handlers::job_seek::is_seeker(person) {
        rows.push(vec![key(MenuItem::Jobs)]);
    }
    KeyboardMarkup::new(rows).resize_keyboard().persistent()
}

pub fn remove() -> KeyboardRemove {
    KeyboardRemove::new()
}

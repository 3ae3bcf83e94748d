//! The state of one chat's conversation, stored as JSON between updates so a restart resumes
//! every conversation where it stopped. Each feature owns one variant.

use serde::{Deserialize, Serialize};

use crate::domain::registration::Registration;
use crate::domain::settings::SettingsStep;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// No dialog in progress (registered people see the main menu).
    #[default]
    Idle,
    Registering(Registration),
    Settings(SettingsStep),
    /// 点单: waiting for the person to type what they want to learn.
    TypingCourseRequest,
    /// A trainer or coordinator writing a broadcast.
    Broadcasting(crate::domain::broadcast::BroadcastStep),
    /// Answering a survey, one question at a time.
    Surveying(crate::domain::survey::SurveyStep),
    /// Confirming the erasure of one's data (`/deleteme`).
    Erasing(crate::domain::erasure::ErasureStep),
    /// A trainer making a lesson (`/lesson`); the draft so far travels with the state.
    ComposingLesson(crate::domain::lesson_compose::Compose),
    /// A coordinator publishing an opening or setting a pay floor (`/opening`); the draft travels with
    /// the state.
    ComposingOpening(crate::domain::opening_compose::Compose),
}

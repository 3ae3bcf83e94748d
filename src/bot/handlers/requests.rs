//! 点单: a person asks for a course that is not offered (a category, or typed words); coordinators
//! see the tally with /requests.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::context::{Ctx, Incoming};
use crate::bot::keyboards::{self, button};
use crate::domain::callback::Cb;
use crate::domain::catalog::Category;
use crate::domain::dialog::State;
use crate::domain::person::{Person, Role};
use crate::domain::request::{Topic, TopicProblem, parse_typed};
use crate::services::requests::{self, RequestOutcome, topic_label};
use crate::tr;

/// The topic list: the person's categories, then "other, I'll type it". The question says "or type it":
/// so from here a typed line is the request ([`State::TypingCourseRequest`]); a category's label typed
/// is that category's button.
pub async fn open(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    ctx.answer(None).await?;
    if !person.trainee {
        return super::staff::ask_audience(ctx, person).await;
    }
    if person.village_key.is_none() {
        return ctx.say_with(tr!(lang, "request-no-village"), keyboards::main_menu(person)).await;
    }
    ctx.set_state(State::TypingCourseRequest).await?;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Category::for_audience(person.audience)
        .chunks(2)
        .map(|pair| pair.iter().map(|c| button(c.label(lang), Cb::RequestTopic(*c))).collect())
        .collect();
    rows.push(vec![button(tr!(lang, "btn-request-type"), Cb::RequestTyped)]);
    ctx.say_with(tr!(lang, "request-choose-topic"), InlineKeyboardMarkup::new(rows)).await
}

pub async fn chosen(ctx: &Ctx, person: &Person, category: Category) -> anyhow::Result<()> {
    if category.audience() != person.audience {
        tracing::warn!(user = person.user_id, ?category, "request topic of the other audience");
        return ctx.answer_stale().await;
    }
    ctx.retire_pressed_keyboard().await;
    // The list was waiting for a choice or a typed line: this was the choice.
    if ctx.state == State::TypingCourseRequest {
        ctx.set_state(State::Idle).await?;
    }
    record(ctx, person, Topic::Category(category)).await
}

pub async fn ask_typed(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    ctx.retire_pressed_keyboard().await;
    ctx.answer(None).await?;
    ctx.set_state(State::TypingCourseRequest).await?;
    ctx.say(tr!(person.lang, "request-type-topic")).await
}

/// In [`State::TypingCourseRequest`]: the typed topic, or a re-ask.
pub async fn typed(ctx: Ctx) -> anyhow::Result<()> {
    let Some(person) = ctx.person.clone() else {
        ctx.set_state(State::Idle).await?;
        return super::menu::handle(ctx).await;
    };
    let lang = person.lang;
    match &ctx.incoming {
        // Four digits are a check-in code, even here (the person walked into class).
        Incoming::Text(text) if crate::domain::learning::CheckinCode::parse(text).is_some() => {
            ctx.set_state(State::Idle).await?;
            let mut ctx = ctx;
            ctx.state = State::Idle;
            super::menu::handle(ctx).await
        }
        Incoming::Text(text) => match parse_typed(text) {
            Ok(topic) => {
                ctx.set_state(State::Idle).await?;
                record(&ctx, &person, topic).await
            }
            Err(TopicProblem::Unclear) => ctx.say(tr!(lang, "request-topic-unclear")).await,
            Err(TopicProblem::TooLong) => ctx.say(tr!(lang, "request-topic-too-long")).await,
        },
        Incoming::Callback(_) => ctx.answer_stale().await,
        _ => ctx.say(tr!(lang, "request-topic-unclear")).await,
    }
}

async fn record(ctx: &Ctx, person: &Person, topic: Topic) -> anyhow::Result<()> {
    let lang = person.lang;
    // Say back what was recorded, so a typed line that was misread is seen at once.
    let what = tr!(
        lang,
        "request-recorded-topic",
        topic = match &topic {
            Topic::Category(c) => c.label(lang),
            Topic::Typed(text) => text.clone(),
        }
    );
    let text = match requests::record(&ctx.app, person, &topic).await? {
        RequestOutcome::Recorded { count } => format!("{what}\n{}", tr!(lang, "request-recorded", count = count)),
        RequestOutcome::Already { count } => format!("{what}\n{}", tr!(lang, "request-already", count = count)),
        RequestOutcome::NoVillage => tr!(lang, "request-no-village"),
    };
    ctx.answer(None).await?;
    ctx.say_with(text, keyboards::main_menu(person)).await
}

/// `/requests`: the tally for a coordinator's townships.
pub async fn tally(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    let lang = person.lang;
    if !crate::services::access::holds(&ctx.app, person, Role::Coordinator).await? {
        return crate::bot::access::refuse(ctx, "/requests from a non-coordinator").await;
    }
    let lines = requests::tally_for(&ctx.app, person).await?;
    if lines.is_empty() {
        return ctx.say(tr!(lang, "requests-none")).await;
    }
    let mut text = vec![tr!(lang, "requests-title", threshold = ctx.app.config.request_threshold)];
    for line in lines {
        text.push(tr!(
            lang,
            "requests-line",
            township = line.township.display_name(lang),
            topic = topic_label(lang, &line.topic_key, &line.example_text),
            count = line.people
        ));
    }
    ctx.say(text.join("\n")).await
}

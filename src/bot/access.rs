//! One answer for every refused press or command: the same "not allowed" text whether or not the
//! thing exists (an order id, a region, a survey), and one warning in the log naming the actor and
//! what they sent. The decision itself is [`crate::domain::scope::may`] (facts from
//! [`crate::services::access`]); this is how a refusal looks and is recorded.

use super::context::Ctx;
use crate::tr;

/// Refuses what the person just did (a button press or a command), logs it, and answers.
pub async fn refuse(ctx: &Ctx, reason: impl std::fmt::Debug) -> anyhow::Result<()> {
    tracing::warn!(
        actor = ctx.user_id,
        chat = ctx.chat.0,
        incoming = ?ctx.incoming,
        ?reason,
        "refused: not allowed"
    );
    let text = tr!(ctx.lang, "access-not-allowed");
    if ctx.is_callback() { ctx.answer(Some(text)).await } else { ctx.say(text).await }
}

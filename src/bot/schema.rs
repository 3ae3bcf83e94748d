//! The whole dptree tree, in one place. Every update becomes a [`Ctx`]; commands come first (they
//! work in any state), then the dialog state picks the handler. Roles are checked here, by filters
//! on the stored person, never by trusting a button.

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree::{self, case};

use super::context::{self, Ctx, Incoming};
use super::handlers::{commands, menu, registration, settings};
use crate::domain::dialog::State;

/// Wraps a handler so its error is logged and apologised for in one place (see [`Ctx::guard`]).
macro_rules! guarded {
    ($handler:path) => {
        |ctx: Ctx| async move { ctx.clone().guard($handler(ctx).await).await }
    };
    ($handler:path, $arg:ty) => {
        |ctx: Ctx, arg: $arg| async move { ctx.clone().guard($handler(ctx, arg).await).await }
    };
}

pub fn schema() -> UpdateHandler<anyhow::Error> {
    let commands = dptree::filter_map(|ctx: Ctx| match &ctx.incoming {
        Incoming::Command(cmd) => Some(cmd.clone()),
        _ => None,
    })
    .endpoint(guarded!(commands::handle, context::Command));

    let by_state = dptree::map(|ctx: Ctx| ctx.state.clone())
        .branch(
            case![State::Registering(reg)]
                .endpoint(guarded!(registration::handle, crate::domain::registration::Registration)),
        )
        .branch(
            case![State::Settings(step)].endpoint(guarded!(settings::handle, crate::domain::settings::SettingsStep)),
        )
        .branch(case![State::Idle].endpoint(guarded!(menu::handle)));

    dptree::filter_map_async(context::load).branch(commands).branch(by_state)
}
